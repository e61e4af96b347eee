# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
RELEASE_DIR := build/release
DEBUG_DIR := build/debug
BENCH_DIR := build/bench
TSAN_DIR := build/tsan
FUZZ_DIR := build/fuzz
FUZZ_SECONDS ?= 300
DATABASE ?= sqlite:var/first-responder.db
LISTEN ?= 127.0.0.1:8080
SIP_LISTEN ?= 127.0.0.1:5060
SIP_TRUNK ?= 127.0.0.1:5070
WERROR := $(if $(CI),ON,OFF)

.PHONY: setup build build-debug build-fuzz run test test-tsan fuzz bench bench-build bench-http clean format

setup:
	@scripts/setup

build: setup
	@cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DFR_BUILD_TESTS=OFF -DFR_BUILD_BENCH=OFF -DFR_WERROR=$(WERROR) >/dev/null
	@cmake --build $(RELEASE_DIR) -j $(JOBS)

build-debug: setup
	@cmake -S . -B $(DEBUG_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFR_SANITIZE=ON -DFR_WERROR=$(WERROR) >/dev/null
	@cmake --build $(DEBUG_DIR) -j $(JOBS)

run: build
	@mkdir -p var
	$(RELEASE_DIR)/src/main/first-responder serve --demo --database $(DATABASE) --listen $(LISTEN) \
	  --sip-listen $(SIP_LISTEN) --sip-trunk $(SIP_TRUNK)

# The suites, then every fuzz target for a short fixed time from its seeds (decision 0031):
# a FUZZ_SECONDS or FUZZ_CORPUS left in the shell is for `make fuzz`, not for the tests.
test: build-debug build-fuzz
	cd $(DEBUG_DIR) && ctest --output-on-failure --timeout 300 -j $(JOBS)
	cd $(FUZZ_DIR) && env -u FUZZ_SECONDS -u FUZZ_CORPUS ctest --output-on-failure --timeout 300 -j $(JOBS) -L fuzz

# The libFuzzer targets of fuzz/ (clang, ASan/UBSan); only the libraries they link are built.
build-fuzz: setup
	@cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
	  -DFR_BUILD_FUZZ=ON -DFR_SANITIZE=ON -DFR_WERROR=$(WERROR) >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS)

# Every fuzz target for FUZZ_SECONDS (default 300) each, JOBS at a time; the corpus each run
# grows stays in build/fuzz/corpus for the next, crashing inputs land in build/fuzz/artifacts.
fuzz: build-fuzz
	cd $(FUZZ_DIR) && FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_CORPUS=$(CURDIR)/$(FUZZ_DIR)/corpus \
	  ctest --output-on-failure --timeout $$(($(FUZZ_SECONDS) + 300)) -j $(JOBS) -L fuzz

# The threaded parts under ThreadSanitizer: the media engine, the SIP endpoint, the call
# engine, the call-event sink, the worker pool and the rate limiter (their suites, run directly).
TSAN_SUITES := tests/fr_unit_tests tests/unit/adapters/telephony/media/fr_media_tests \
  tests/unit/adapters/telephony/sip/fr_sip_tests tests/unit/adapters/telephony/engine/fr_engine_tests
test-tsan: setup
	@cmake -S . -B $(TSAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFR_TSAN=ON -DFR_BUILD_BENCH=OFF -DFR_WERROR=$(WERROR) >/dev/null
	@cmake --build $(TSAN_DIR) -j $(JOBS) --target $(notdir $(TSAN_SUITES))
	@set -e; for suite in $(TSAN_SUITES); do \
	  echo "== $$suite under ThreadSanitizer"; \
	  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" $(TSAN_DIR)/$$suite --gtest_brief=1; \
	done

# Benchmarks, optimised like a release; each prints its measurements and ratios.
bench: bench-build
	$(BENCH_DIR)/bench/fr_bench_call_events
	$(BENCH_DIR)/bench/fr_bench_tts
	$(BENCH_DIR)/bench/fr_bench_call_report
	bench/sip/run $(BENCH_DIR)/src/main/first-responder
	bench/http/run $(BENCH_DIR)/src/main/first-responder

bench-build:
	@scripts/setup --bench
	@cmake -S . -B $(BENCH_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DFR_BUILD_TESTS=OFF -DFR_BUILD_BENCH=ON -DFR_WERROR=$(WERROR) >/dev/null
	@cmake --build $(BENCH_DIR) -j $(JOBS)

# Only the HTTP API against its peers (bench/http/README.md); BENCH_QUICK=1 for a short run.
bench-http: bench-build
	bench/http/run $(BENCH_DIR)/src/main/first-responder

clean:
	rm -rf build

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')
