# web_console(OUTPUT <file.cpp> FUNCTION <name>)
# Builds the web console (web/: TypeScript, Preact, Vite) with npm and embeds its output in a
# generated C++ source defining `const std::vector<fr::EmbeddedFile>& <name>()`, so the binary
# serves the console without any file beside it. `npm ci` runs only when the lockfile changes;
# the console's API types are generated from docs/openapi.json by every build (web/package.json).
find_program(NPM_PROGRAM npm)
if(NOT NPM_PROGRAM)
  message(FATAL_ERROR "npm not found: run scripts/setup (the web console is built with Node.js)")
endif()

function(web_console)
  cmake_parse_arguments(ARG "" "OUTPUT;FUNCTION" "" ${ARGN})
  set(web ${PROJECT_SOURCE_DIR}/web)
  set(out ${CMAKE_BINARY_DIR}/web)
  add_custom_command(
    OUTPUT ${out}/npm-ci.stamp
    COMMAND ${NPM_PROGRAM} ci --no-audit --no-fund --loglevel=error
    COMMAND ${CMAKE_COMMAND} -E touch ${out}/npm-ci.stamp
    WORKING_DIRECTORY ${web}
    DEPENDS ${web}/package.json ${web}/package-lock.json
    COMMENT "Installing the web console's npm packages (npm ci)"
    VERBATIM)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${web}/src/*.ts ${web}/src/*.tsx ${web}/src/*.css)
  list(FILTER sources EXCLUDE REGEX "\\.gen\\.ts$")
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${NPM_PROGRAM} run --silent build -- --outDir ${out}/dist --emptyOutDir --logLevel warn
    COMMAND ${CMAKE_COMMAND} -DDIR=${out}/dist -DOUTPUT=${ARG_OUTPUT} -DFUNCTION=${ARG_FUNCTION}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedDirectoryScript.cmake
    WORKING_DIRECTORY ${web}
    DEPENDS ${out}/npm-ci.stamp ${sources} ${web}/index.html ${web}/vite.config.ts
            ${web}/tsconfig.json ${PROJECT_SOURCE_DIR}/docs/openapi.json
            ${PROJECT_SOURCE_DIR}/cmake/EmbedDirectoryScript.cmake
            ${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake
    COMMENT "Building the web console (tsc, vite) and embedding it"
    VERBATIM)
endfunction()
