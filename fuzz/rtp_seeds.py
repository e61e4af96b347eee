#!/usr/bin/env python3
"""Writes the seed corpus of the rtp fuzz target (fuzz/corpus/rtp/): RTP, RFC 4733 and RTCP as
phones and carriers send them, framed as rtp_fuzzer.cpp reads its input. Run from fuzz/."""
import struct

OUR_SSRC = 0x11223344  # rtp_fuzzer.cpp's kOurSsrc
FAR_SSRC = 0x5EED0001


def record(datagram, delay_ms=20, send=False, report=False):
    control = (delay_ms & 0x3F) | (0x40 if send else 0) | (0x80 if report else 0)
    return struct.pack(">BH", control, len(datagram)) + datagram


def rtp(seq, ts, pt=0, payload=b"\xff" * 160, ssrc=FAR_SSRC, marker=False, csrcs=(),
        extension=None, padding=0):
    first = 0x80 | (0x20 if padding else 0) | (0x10 if extension is not None else 0) | len(csrcs)
    header = struct.pack(">BBHII", first, (0x80 if marker else 0) | pt, seq & 0xFFFF,
                         ts & 0xFFFFFFFF, ssrc)
    header += b"".join(struct.pack(">I", c) for c in csrcs)
    if extension is not None:
        header += struct.pack(">HH", 0xBEDE, len(extension) // 4) + extension
    pad = b"\x00" * (padding - 1) + bytes([padding]) if padding else b""
    return header + payload + pad


def event(seq, ts, key, duration, end=False):
    return rtp(seq, ts, pt=101, payload=struct.pack(">BBH", key, (0x80 if end else 0) | 10,
                                                    duration), marker=duration == 160)


def rtcp(pt, count, body):
    return struct.pack(">BBH", 0x80 | count, pt, (len(body) + 4) // 4 - 1) + body


def report_block(ssrc, lost_fraction=0, lost=0, highest=0, jitter=0, lsr=0, dlsr=0):
    return struct.pack(">IB3sIIII", ssrc, lost_fraction, (lost & 0xFFFFFF).to_bytes(3, "big"),
                       highest, jitter, lsr, dlsr)


def sdes(ssrc, cname):
    item = bytes([1, len(cname)]) + cname
    chunk = struct.pack(">I", ssrc) + item + b"\x00"
    chunk += b"\x00" * (-len(chunk) % 4)
    return rtcp(202, 1, chunk)


seeds = {
    "audio_then_report": b"".join(
        record(rtp(1000 + i, 160000 + 160 * i), send=True) for i in range(10))
    + record(b"", report=True),
    "dtmf_event_5": b"".join(
        record(rtp(1 + i, 8000 + 160 * i)) for i in range(3))
    + b"".join(record(event(4 + i, 8480, 5, 160 * (i + 1))) for i in range(4))
    + b"".join(record(event(8 + i, 8480, 5, 800, end=True), delay_ms=5) for i in range(3))
    + record(rtp(11, 9440), report=True),
    "rtcp_sender_and_receiver_reports": b"".join(
        record(b"", send=True) for _ in range(5))
    + record(rtcp(200, 1, struct.pack(">IQIII", FAR_SSRC, 0xE7A1B2C3D4E5F607, 123456, 50, 8000)
                  + report_block(OUR_SSRC, 12, 3, 1004, 80, 0, 0))
             + sdes(FAR_SSRC, b"phone@192.0.2.7"))
    + record(rtcp(201, 1, struct.pack(">I", FAR_SSRC) + report_block(OUR_SSRC, 0, -1, 65540, 9))
             + rtcp(203, 1, struct.pack(">I", FAR_SSRC)), report=True),
    "rtp_header_options": record(rtp(7, 1120, csrcs=(1, 2), extension=b"\x10\xaa\x00\x00"))
    + record(rtp(8, 1280, padding=4, payload=b"\x7f" * 40))
    + record(rtp(9, 1440, pt=8))
    + record(rtp(10, 1600, pt=13, payload=b"\x40"), report=True),
    "sequence_wrap_and_new_source": b"".join(
        record(rtp(65530 + i, 4294967000 + 160 * i)) for i in range(10))
    + b"".join(record(rtp(500 + i, 20 + 160 * i, ssrc=FAR_SSRC + 1, marker=i == 0))
               for i in range(4))
    + record(b"", report=True),
}

for name, data in seeds.items():
    with open(f"corpus/rtp/{name}", "wb") as out:
        out.write(data)
