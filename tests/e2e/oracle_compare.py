#!/usr/bin/env python3
"""Compare an lcov tracefile with gcov's own JSON output (the oracle).

Usage:
  oracle_compare.py --json-dir DIR --lcov FILE [--max-diffs N] [--label TEXT]
  oracle_compare.py --json-dir DIR --emit-lcov FILE

DIR holds *.json files written by `gcov --json-format --stdout -b X.gcda`
(one JSON document per line; one gcov run per object). The oracle is built
from them like this:

- file names are made absolute against the JSON's current_working_directory
  (the compiler's cwd recorded in the notes file) and normalised;
- line entries are summed per (file, line) over every entry and every object:
  count added, existence ORed;
- branch counts are summed per (file, line) by their position in the JSON
  `branches` list;
- function execution counts are summed per (file, name); the start line is
  kept and must agree between objects.

Then every DA, every BRDA taken value (`-` counts as 0) per line in file
order, every FN start line and FNDA count, and the LF/LH/BRF/BRH/FNF/FNH
totals of the lcov file must equal the oracle. The lcov file must also be
self-consistent (its totals must match its own records) and must not repeat
a file, a line or a function. Prints the first differences and exits 1 on
any difference, 0 when everything matches, 2 on a usage or input error.

--emit-lcov writes the oracle itself as an lcov tracefile instead; the
self-check test alters such a file and asserts that the comparison fails.
"""

import argparse
import glob
import json
import os
import sys


class InputError(Exception):
    pass


def norm_path(cwd, name):
    if not os.path.isabs(name):
        name = os.path.join(cwd, name)
    p = os.path.normpath(name)
    if p.startswith('//'):
        p = '/' + p.lstrip('/')
    return p


def new_file():
    return {'lines': {}, 'branches': {}, 'functions': {}}


def load_oracle(json_dir):
    paths = sorted(glob.glob(os.path.join(json_dir, '*.json')))
    if not paths:
        raise InputError('no *.json files in %s' % json_dir)
    files = {}
    ndocs = 0
    for path in paths:
        with open(path, encoding='utf-8') as fh:
            text = fh.read()
        docs = [ln for ln in text.splitlines() if ln.strip()]
        if not docs:
            raise InputError('%s: empty gcov output' % path)
        for doc_text in docs:
            try:
                doc = json.loads(doc_text)
            except ValueError as e:
                raise InputError('%s: bad JSON: %s' % (path, e))
            ndocs += 1
            cwd = doc.get('current_working_directory')
            if not cwd:
                raise InputError('%s: no current_working_directory' % path)
            for fent in doc.get('files', []):
                name = norm_path(cwd, fent['file'])
                f = files.setdefault(name, new_file())
                for ln in fent.get('lines', []):
                    no = int(ln['line_number'])
                    f['lines'][no] = f['lines'].get(no, 0) + int(ln['count'])
                    counts = [int(b['count']) for b in ln.get('branches', [])]
                    if counts or no in f['branches']:
                        cur = f['branches'].setdefault(no, [])
                        for i, c in enumerate(counts):
                            if i < len(cur):
                                cur[i] += c
                            else:
                                cur.append(c)
                for fn in fent.get('functions', []):
                    key = fn['name']
                    start = int(fn['start_line'])
                    cnt = int(fn['execution_count'])
                    old = f['functions'].get(key)
                    if old is None:
                        f['functions'][key] = [start, cnt]
                    else:
                        if old[0] != start:
                            raise InputError(
                                'oracle: function %s in %s starts at line %d '
                                'in one object and %d in another'
                                % (key, name, old[0], start))
                        old[1] += cnt
    # drop empty branch lists (a line listed with no branches anywhere)
    for f in files.values():
        for no in [k for k, v in f['branches'].items() if not v]:
            del f['branches'][no]
    return files, ndocs, len(paths)


def totals_of(f):
    lines = f['lines']
    brs = [c for v in f['branches'].values() for c in v]
    fns = f['functions']
    return {
        'LF': len(lines), 'LH': sum(1 for c in lines.values() if c > 0),
        'BRF': len(brs), 'BRH': sum(1 for c in brs if c > 0),
        'FNF': len(fns), 'FNH': sum(1 for v in fns.values() if v[1] > 0),
    }


def parse_int(text, what, where):
    try:
        return int(text)
    except ValueError:
        raise InputError('%s: bad %s %r' % (where, what, text))


def load_lcov(path):
    """Returns (files, problems). problems are structural faults."""
    files = {}
    problems = []
    cur = None
    curname = None
    with open(path, encoding='utf-8', errors='replace') as fh:
        for i, raw in enumerate(fh, 1):
            line = raw.rstrip('\n')
            where = '%s:%d' % (path, i)
            if not line or line.startswith('TN:') or line.startswith('#'):
                continue
            if line == 'end_of_record':
                if cur is None:
                    problems.append('%s: end_of_record outside a record' % where)
                cur = None
                continue
            tag, sep, val = line.partition(':')
            if not sep:
                problems.append('%s: unparsable line %r' % (where, line))
                continue
            if tag == 'SF':
                if cur is not None:
                    problems.append('%s: SF inside a record (missing end_of_record)' % where)
                curname = val
                if not os.path.isabs(val) or os.path.normpath(val) != val:
                    problems.append('%s: SF path is not absolute and normalised: %s' % (where, val))
                if val in files:
                    problems.append('%s: file %s appears in more than one record' % (where, val))
                    cur = files[val]
                else:
                    cur = files[val] = {'lines': {}, 'branches': {}, 'fn_lines': {},
                                        'fn_counts': {}, 'totals': {}}
                continue
            if cur is None:
                problems.append('%s: %s outside a record' % (where, tag))
                continue
            if tag == 'DA':
                parts = val.split(',')
                no = parse_int(parts[0], 'line number', where)
                cnt = parse_int(parts[1], 'count', where) if len(parts) > 1 else None
                if cnt is None:
                    problems.append('%s: DA without a count' % where)
                    continue
                if no in cur['lines']:
                    problems.append('%s: %s line %d has more than one DA' % (where, curname, no))
                    cur['lines'][no] += cnt
                else:
                    cur['lines'][no] = cnt
            elif tag == 'BRDA':
                parts = val.split(',')
                if len(parts) != 4:
                    problems.append('%s: BRDA needs 4 fields: %r' % (where, val))
                    continue
                no = parse_int(parts[0], 'line number', where)
                parse_int(parts[1], 'block number', where)
                parse_int(parts[2], 'branch number', where)
                taken = 0 if parts[3] == '-' else parse_int(parts[3], 'taken count', where)
                cur['branches'].setdefault(no, []).append(taken)
            elif tag == 'FN':
                parts = val.split(',')
                if len(parts) < 2:
                    problems.append('%s: bad FN %r' % (where, val))
                    continue
                start = parse_int(parts[0], 'function line', where)
                name = parts[-1]
                if name in cur['fn_lines']:
                    problems.append('%s: function %s listed twice in %s' % (where, name, curname))
                cur['fn_lines'][name] = start
            elif tag == 'FNDA':
                cnt_text, _, name = val.partition(',')
                cnt = parse_int(cnt_text, 'function count', where)
                if name in cur['fn_counts']:
                    problems.append('%s: FNDA for %s repeated in %s' % (where, name, curname))
                    cur['fn_counts'][name] += cnt
                else:
                    cur['fn_counts'][name] = cnt
            elif tag in ('LF', 'LH', 'BRF', 'BRH', 'FNF', 'FNH'):
                if tag in cur['totals']:
                    problems.append('%s: %s repeated in %s' % (where, tag, curname))
                cur['totals'][tag] = parse_int(val, tag, where)
            else:
                # other lcov records (VER, FNL, ...) are not compared
                pass
    if cur is not None:
        problems.append('%s: last record has no end_of_record' % path)
    return files, problems


def lcov_own_totals(f):
    brs = [c for v in f['branches'].values() for c in v]
    return {
        'LF': len(f['lines']), 'LH': sum(1 for c in f['lines'].values() if c > 0),
        'BRF': len(brs), 'BRH': sum(1 for c in brs if c > 0),
        'FNF': len(f['fn_lines']), 'FNH': sum(1 for c in f['fn_counts'].values() if c > 0),
    }


_src_cache = {}


def source_text(path, no):
    if path not in _src_cache:
        try:
            with open(path, encoding='utf-8', errors='replace') as fh:
                _src_cache[path] = fh.read().splitlines()
        except OSError:
            _src_cache[path] = None
    lines = _src_cache[path]
    if lines is None or no < 1 or no > len(lines):
        return None
    return lines[no - 1].strip()


def compare(oracle, lcov, problems):
    diffs = list(problems)

    def d(path, no, msg):
        text = '%s:%d: %s' % (path, no, msg) if no else '%s: %s' % (path, msg)
        src = source_text(path, no) if no else None
        if src is not None:
            text += '\n        | ' + src
        diffs.append(text)

    for path in sorted(set(oracle) - set(lcov)):
        t = totals_of(oracle[path])
        diffs.append('%s: file missing from the lcov output (oracle: %d lines, '
                     '%d functions, %d branches)' % (path, t['LF'], t['FNF'], t['BRF']))
    for path in sorted(set(lcov) - set(oracle)):
        diffs.append('%s: file in the lcov output but not in gcov\'s' % path)

    for path in sorted(set(oracle) & set(lcov)):
        o = oracle[path]
        g = lcov[path]
        for no in sorted(set(o['lines']) | set(g['lines'])):
            if no not in g['lines']:
                d(path, no, 'DA missing (gcov count %d)' % o['lines'][no])
            elif no not in o['lines']:
                d(path, no, 'DA:%d,%d but gcov has no such line' % (no, g['lines'][no]))
            elif o['lines'][no] != g['lines'][no]:
                d(path, no, 'DA count: expected %d, got %d' % (o['lines'][no], g['lines'][no]))
            if no in g['lines'] and g['lines'][no] < 0:
                d(path, no, 'negative DA count %d' % g['lines'][no])
        for no in sorted(set(o['branches']) | set(g['branches'])):
            exp = o['branches'].get(no, [])
            got = g['branches'].get(no, [])
            if exp != got:
                d(path, no, 'branches (taken, in order): expected %s, got %s' % (exp, got))
            if any(c < 0 for c in got):
                d(path, no, 'negative BRDA taken count in %s' % got)
        ofn = o['functions']
        for name in sorted(set(ofn) | set(g['fn_lines']) | set(g['fn_counts'])):
            if name not in ofn:
                d(path, g['fn_lines'].get(name, 0), 'function %s is not in gcov\'s output' % name)
                continue
            start, cnt = ofn[name]
            if name not in g['fn_lines']:
                d(path, start, 'FN for %s missing' % name)
            elif g['fn_lines'][name] != start:
                d(path, start, 'FN %s start line: expected %d, got %d'
                  % (name, start, g['fn_lines'][name]))
            if name not in g['fn_counts']:
                d(path, start, 'FNDA for %s missing (gcov count %d)' % (name, cnt))
            elif g['fn_counts'][name] != cnt:
                d(path, start, 'FNDA %s: expected %d, got %d' % (name, cnt, g['fn_counts'][name]))
        exp_t = totals_of(o)
        own_t = lcov_own_totals(g)
        for key in ('LF', 'LH', 'BRF', 'BRH', 'FNF', 'FNH'):
            if key not in g['totals']:
                if exp_t[key] != 0 or key in ('LF', 'LH'):
                    d(path, 0, '%s missing (expected %d)' % (key, exp_t[key]))
                continue
            got = g['totals'][key]
            if got != exp_t[key]:
                d(path, 0, '%s: expected %d, got %d' % (key, exp_t[key], got))
            elif got != own_t[key]:
                d(path, 0, '%s:%d disagrees with the file\'s own records (%d)'
                  % (key, got, own_t[key]))
    return diffs


def grand_totals(per_file):
    t = dict.fromkeys(('LF', 'LH', 'BRF', 'BRH', 'FNF', 'FNH'), 0)
    for ft in per_file:
        for k in t:
            t[k] += ft.get(k, 0)
    return t


def fmt_totals(t):
    return ('lines %d/%d, functions %d/%d, branches %d/%d'
            % (t['LH'], t['LF'], t['FNH'], t['FNF'], t['BRH'], t['BRF']))


def emit_lcov(oracle, path):
    with open(path, 'w', encoding='utf-8') as out:
        out.write('TN:\n')
        for name in sorted(oracle):
            f = oracle[name]
            out.write('SF:%s\n' % name)
            fns = sorted(f['functions'].items(), key=lambda kv: (kv[1][0], kv[0]))
            for fn, (start, _) in fns:
                out.write('FN:%d,%s\n' % (start, fn))
            for fn, (_, cnt) in fns:
                out.write('FNDA:%d,%s\n' % (cnt, fn))
            t = totals_of(f)
            out.write('FNF:%d\nFNH:%d\n' % (t['FNF'], t['FNH']))
            for no in sorted(f['branches']):
                line_ran = f['lines'].get(no, 0) > 0
                for i, c in enumerate(f['branches'][no]):
                    out.write('BRDA:%d,0,%d,%s\n' % (no, i, c if (line_ran or c) else '-'))
            out.write('BRF:%d\nBRH:%d\n' % (t['BRF'], t['BRH']))
            for no in sorted(f['lines']):
                out.write('DA:%d,%d\n' % (no, f['lines'][no]))
            out.write('LF:%d\nLH:%d\nend_of_record\n' % (t['LF'], t['LH']))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--json-dir', required=True)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument('--lcov')
    g.add_argument('--emit-lcov')
    ap.add_argument('--max-diffs', type=int, default=40)
    ap.add_argument('--label', default='')
    args = ap.parse_args()
    label = (args.label + ': ') if args.label else ''
    try:
        oracle, ndocs, njson = load_oracle(args.json_dir)
        if args.emit_lcov:
            emit_lcov(oracle, args.emit_lcov)
            return 0
        lcov, problems = load_lcov(args.lcov)
    except (InputError, OSError, KeyError, TypeError) as e:
        print('%soracle_compare: error: %s' % (label, e), file=sys.stderr)
        return 2
    diffs = compare(oracle, lcov, problems)
    exp = grand_totals(totals_of(f) for f in oracle.values())
    got = grand_totals(f['totals'] for f in lcov.values())
    print('%sgcov (%d objects): %d files, %s' % (label, njson, len(oracle), fmt_totals(exp)))
    print('%slcov            : %d files, %s' % (label, len(lcov), fmt_totals(got)))
    if not diffs:
        print('%sMATCH: every line, branch and function count equals gcov\'s' % label)
        return 0
    print('%sMISMATCH: %d difference(s); the first %d:'
          % (label, len(diffs), min(len(diffs), args.max_diffs)))
    for text in diffs[:args.max_diffs]:
        print('  ' + text)
    return 1


if __name__ == '__main__':
    sys.exit(main())
