#!/usr/bin/env python3
"""Compares covmerge's lcov tracefile with llvm-cov gcov's .gcov files.

Usage: llvm_oracle_compare.py TRACEFILE GCOVDIR...

Each GCOVDIR holds the .gcov files that `llvm-cov gcov -b -c -f` wrote for
one object. The oracle is built from them like this:

- sources are keyed by their base name (the fixture's names are distinct;
  LLVM's 408* notes name them relative to compile directories they do not
  record), in the tracefile too;
- line counts are summed per (file, line) over the objects; a line exists
  when some object gives it a count ('#####' is 0);
- branches are summed per (file, line) by their position ("never executed"
  is lcov's '-'), as covmerge merges them;
- function call counts are summed per (file, name).

Every difference is printed; the exit status is 1 when there is one."""
import os, re, sys
from collections import defaultdict

def key(p):
    return os.path.basename(p)

def read_gcov(dirs):
    lines = defaultdict(int)
    exists = set()
    brs = defaultdict(list)
    fns = defaultdict(int)
    for d in dirs:
        for name in sorted(os.listdir(d)):
            if not name.endswith('.gcov'):
                continue
            src = None
            last = None
            obj_brs = defaultdict(list)
            pending_fns = []
            for text in open(os.path.join(d, name), errors='replace'):
                m = re.match(r'\s*-:\s*0:Source:(.*)$', text.rstrip('\n'))
                if m:
                    src = key(m.group(1))
                    continue
                m = re.match(r'function (\S+) called (\d+)', text)
                if m:
                    pending_fns.append((m.group(1), int(m.group(2))))
                    continue
                m = re.match(r'branch\s+\d+ (taken (\d+)|never executed)', text)
                if m:
                    obj_brs[(src, last)].append(int(m.group(2)) if m.group(2) else '-')
                    continue
                m = re.match(r'\s*([^:]+):\s*(\d+):', text)
                if m:
                    c, ln = m.group(1).strip(), int(m.group(2))
                    if ln == 0:
                        continue
                    last = ln
                    for fn, n in pending_fns:
                        fns[(src, fn)] += n
                    pending_fns = []
                    if c == '-':
                        continue
                    exists.add((src, ln))
                    lines[(src, ln)] += 0 if c.startswith('#') or c.startswith('=') else int(c.rstrip('*'))
            for k, v in obj_brs.items():
                cur = brs[k]
                for i, x in enumerate(v):
                    if i == len(cur):
                        cur.append(x)
                    elif x != '-':
                        cur[i] = x if cur[i] == '-' else cur[i] + x
    return lines, exists, brs, fns

def read_lcov(path):
    lines, brs, fns = {}, defaultdict(list), defaultdict(int)
    src = None
    for t in open(path):
        t = t.rstrip('\n')
        if t.startswith('SF:'):
            src = key(t[3:])
        elif t.startswith('DA:'):
            ln, c = t[3:].split(',')[:2]
            lines[(src, int(ln))] = lines.get((src, int(ln)), 0) + int(c)
        elif t.startswith('BRDA:'):
            ln, blk, br, c = t[5:].split(',')
            brs[(src, int(ln))].append('-' if c == '-' else int(c))
        elif t.startswith('FNDA:'):
            c, name = t[5:].split(',', 1)
            fns[(src, name)] += int(c)
    return lines, brs, fns

def main():
    trace, dirs = sys.argv[1], sys.argv[2:]
    gl, ge, gb, gf = read_gcov(dirs)
    cl, cb, cf = read_lcov(trace)
    bad = []
    for k in sorted(ge | set(cl)):
        if (k in ge) != (k in cl) or gl.get(k, 0) != cl.get(k):
            bad.append('line %s:%d: llvm-cov %s, covmerge %s' % (k[0], k[1], gl.get(k) if k in ge else 'none', cl.get(k, 'none')))
    for k in sorted(set(gb) | set(cb)):
        a = gb.get(k, [])
        b = cb.get(k, [])
        if a != b:
            bad.append('branches %s:%d: llvm-cov %s, covmerge %s' % (k[0], k[1], gb.get(k), cb.get(k)))
    for k in sorted(set(gf) | set(cf)):
        if gf.get(k) != cf.get(k):
            bad.append('function %s %s: llvm-cov %s, covmerge %s' % (k[0], k[1], gf.get(k), cf.get(k)))
    for b in bad:
        print(b)
    print('%d lines, %d branch lines, %d functions compared; %d differences' % (len(ge | set(cl)), len(set(gb) | set(cb)), len(set(gf) | set(cf)), len(bad)))
    sys.exit(1 if bad else 0)

main()
