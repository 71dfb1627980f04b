#!/usr/bin/env python3
"""List or change the arc counters of a gcov data file (.gcda).

Usage:
  gcda_edit.py list GCDA [GCNO]
  gcda_edit.py set GCDA OUT FUNCTION_NAME INDEX VALUE GCNO

`list` prints one line per function: ident, name (when GCNO is given) and
its arc counters. `set` writes a copy of GCDA to OUT in which arc counter
number INDEX (0-based) of the function FUNCTION_NAME (looked up by ident in
GCNO) is VALUE (a signed 64-bit number). An all-zero counter record (a
negative length) is written out in full first.

Format (little- or big-endian, detected from the magic): header = magic,
version, stamp, and from gcc 12 on a checksum word; then records of
tag (u32), length (u32; bytes from gcc 12 on, words before), payload.
Tag 0x01000000 = function (ident, lineno checksum, cfg checksum; length 0
= placeholder), 0x01a10000 = arc counters, each 64-bit with the low word
first; a negative counter-record length means that many zero counters.
"""

import struct
import sys

TAG_FUNCTION = 0x01000000
TAG_ARCS = 0x01a10000
GCDA_MAGIC = 0x67636461
GCNO_MAGIC = 0x67636e6f


class Fmt:
    def __init__(self, data, magic, what):
        le = struct.unpack_from('<I', data, 0)[0]
        be = struct.unpack_from('>I', data, 0)[0]
        if le == magic:
            self.e = '<'
        elif be == magic:
            self.e = '>'
        else:
            raise SystemExit('%s: not a %s file' % (what, 'gcda' if magic == GCDA_MAGIC else 'gcno'))
        ver = self.word(data, 4)
        major = (((ver >> 24) & 0xff) - ord('A')) * 10 + (((ver >> 16) & 0xff) - ord('0'))
        self.major = major
        self.bytes = major >= 12   # lengths in bytes, strings unpadded

    def word(self, data, off):
        return struct.unpack_from(self.e + 'I', data, off)[0]

    def sword(self, data, off):
        return struct.unpack_from(self.e + 'i', data, off)[0]

    def pack(self, fmt, *vals):
        return struct.pack(self.e + fmt, *vals)

    def length_bytes(self, n):
        return n if self.bytes else 4 * n

    def string(self, data, off):
        """Returns (text, next offset)."""
        n = self.word(data, off)
        off += 4
        size = n if self.bytes else 4 * n
        text = data[off:off + size].split(b'\0', 1)[0].decode('utf-8', 'replace')
        return text, off + size


def gcno_names(path):
    data = open(path, 'rb').read()
    f = Fmt(data, GCNO_MAGIC, path)
    off = 12
    if f.major >= 12:
        off += 4                    # checksum
    if f.major >= 9:
        _, off = f.string(data, off)  # cwd
    if f.major >= 8:
        off += 4                    # has_unexecuted_blocks
    names = {}
    while off + 8 <= len(data):
        tag = f.word(data, off)
        length = f.length_bytes(f.word(data, off + 4))
        start = off + 8
        if tag == 0:
            break
        if tag == TAG_FUNCTION and length >= 12:
            ident = f.word(data, start)
            name, _ = f.string(data, start + 12)
            names[ident] = name
        off = start + length
    return names


def read_gcda(path):
    data = open(path, 'rb').read()
    f = Fmt(data, GCDA_MAGIC, path)
    hdr = 16 if f.major >= 12 else 12
    records = []                    # [tag, payload bytes or ('zero', n)]
    off = hdr
    while off + 8 <= len(data):
        tag = f.word(data, off)
        if tag == 0:
            break
        slen = f.sword(data, off + 4)
        start = off + 8
        if tag == TAG_ARCS and slen < 0:
            n = -f.length_bytes(slen) // 8
            records.append([tag, ('zero', n)])
            off = start
            continue
        length = f.length_bytes(f.word(data, off + 4))
        records.append([tag, data[start:start + length]])
        off = start + length
    return f, data[:hdr], records


def counters(f, payload):
    if isinstance(payload, tuple):
        return [0] * payload[1]
    n = len(payload) // 8
    out = []
    for i in range(n):
        lo = f.word(payload, 8 * i)
        hi = f.word(payload, 8 * i + 4)
        v = (hi << 32) | lo
        if v >= 1 << 63:
            v -= 1 << 64
        out.append(v)
    return out


def functions(f, records):
    """Yields (ident, index of its arc-counter record or None)."""
    cur = None
    for i, (tag, payload) in enumerate(records):
        if tag == TAG_FUNCTION:
            if cur is not None:
                yield cur, None
            cur = f.word(payload, 0) if len(payload) >= 4 else None
        elif tag == TAG_ARCS and cur is not None:
            yield cur, i
            cur = None
    if cur is not None:
        yield cur, None


def write_gcda(f, header, records, path):
    out = bytearray(header)
    for tag, payload in records:
        if isinstance(payload, tuple):
            out += f.pack('Ii', tag, -(8 * payload[1] if f.bytes else 2 * payload[1]))
            continue
        n = len(payload) if f.bytes else len(payload) // 4
        out += f.pack('II', tag, n)
        out += payload
    out += f.pack('I', 0)
    with open(path, 'wb') as fh:
        fh.write(out)


def main(argv):
    if len(argv) >= 2 and argv[0] == 'list':
        f, _, records = read_gcda(argv[1])
        names = gcno_names(argv[2]) if len(argv) > 2 else {}
        for ident, ri in functions(f, records):
            cs = counters(f, records[ri][1]) if ri is not None else []
            print('%d %s %s' % (ident, names.get(ident, '?'), ' '.join(map(str, cs))))
        return 0
    if len(argv) == 7 and argv[0] == 'set':
        gcda, out, fname, index, value, gcno = argv[1:]
        index = int(index)
        value = int(value)
        f, header, records = read_gcda(gcda)
        names = gcno_names(gcno)
        for ident, ri in functions(f, records):
            if names.get(ident) != fname:
                continue
            if ri is None:
                raise SystemExit('%s: function %s has no arc counters' % (gcda, fname))
            cs = counters(f, records[ri][1])
            if not 0 <= index < len(cs):
                raise SystemExit('%s: %s has %d counters, no index %d'
                                 % (gcda, fname, len(cs), index))
            cs[index] = value
            payload = bytearray()
            for v in cs:
                u = v & ((1 << 64) - 1)
                payload += f.pack('II', u & 0xffffffff, u >> 32)
            records[ri][1] = bytes(payload)
            write_gcda(f, header, records, out)
            return 0
        raise SystemExit('%s: no function named %s' % (gcda, fname))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
