#!/usr/bin/env python3
"""Reads covmerge's HTML report pages for test_report_html.sh: parses a
page with the standard library's html.parser into a small tree (checking
that every element is closed and properly nested) and prints what the
contract of the report (README, "The HTML report") says it holds.

  html_dom.py totals INDEX     lc lv bc bv fc fv pct-lines pct-branches
                               pct-functions pct-cover (one line)
  html_dom.py heads INDEX      the th data-sort keys, one line
  html_dom.py rows INDEX       per tr.file: name|stmts|miss|branch|brpart|
                               cover|functions|href of a.file-link
  html_dom.py line PAGE N      class|data-hits|symbol|arcs text|source text
                               of row L<N>
  html_dom.py lines PAGE       the row numbers, one line
  html_dom.py functions PAGE   per row: name|line|href|calls|class
  html_dom.py nosource PAGE    the text of p#no-source ("" when none)
  html_dom.py index-link PAGE  href of a#index-link
Exits 1 with a message when the page does not parse."""

import html.parser
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def walk(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()


class Parser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.cur = self.root
        self.errors = []

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.cur.tag != tag:
            self.errors.append("</%s> closes <%s> (line %d)" % (tag, self.cur.tag,
                                                              self.getpos()[0]))
            return
        self.cur = self.cur.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def load(path):
    p = Parser()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    if p.errors:
        sys.exit("%s: %s" % (path, "; ".join(p.errors[:5])))
    if p.cur is not p.root:
        sys.exit("%s: <%s> not closed" % (path, p.cur.tag))
    return p.root


def by_id(root, ident):
    for n in root.walk():
        if n.attrs.get("id") == ident:
            return n
    return None


def find(root, tag=None, cls=None):
    return [n for n in root.walk()
            if (tag is None or n.tag == tag) and (cls is None or cls in n.classes())]


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    root = load(path)
    out = []
    if cmd == "totals":
        t = by_id(root, "totals")
        vals = [t.attrs.get("data-" + k, "") for k in (
            "lines-covered", "lines-valid", "branches-covered", "branches-valid",
            "functions-covered", "functions-valid")]
        for cls in ("pct-lines", "pct-branches", "pct-functions"):
            e = find(t, cls=cls)
            vals.append(e[0].text() if len(e) == 1 else "?%d" % len(e))
        e = find(root, cls="pct-cover")
        vals.append(e[0].text() if len(e) == 1 else "?%d" % len(e))
        out.append(" ".join(vals))
    elif cmd == "heads":
        t = by_id(root, "files")
        out.append(" ".join(th.attrs.get("data-sort", "") for th in find(t, "th")))
    elif cmd == "rows":
        t = by_id(root, "files")
        for tr in find(t, "tr", "file"):
            links = find(tr, "a", "file-link")
            href = links[0].attrs.get("href", "") if len(links) == 1 else "?"
            out.append("|".join([tr.attrs.get("data-" + k, "") for k in (
                "name", "stmts", "miss", "branch", "brpart", "cover", "functions")]
                + [href]))
    elif cmd in ("line", "lines"):
        t = by_id(root, "source")
        rows = [tr for tr in find(t, "tr") if "line" in tr.classes()]
        if cmd == "lines":
            out.append(" ".join(tr.attrs.get("id", "?")[1:] for tr in rows))
        else:
            tr = by_id(t, "L" + sys.argv[3])
            if tr is None:
                sys.exit("no row L%s" % sys.argv[3])
            state = [c for c in tr.classes() if c != "line"]
            sym = find(tr, "td", "sym")
            src = find(tr, "td", "src")
            arcs = find(tr, cls="arcs")
            out.append("|".join([" ".join(state), tr.attrs.get("data-hits", "-"),
                                 sym[0].text() if sym else "?",
                                 arcs[0].text() if arcs else "",
                                 src[0].text() if src else "?"]))
    elif cmd == "functions":
        t = by_id(root, "functions")
        for tr in find(find(t, "tbody")[0], "tr"):
            tds = find(tr, "td")
            a = find(tr, "a")
            out.append("|".join([tds[0].text(), tds[1].text(),
                                 a[0].attrs.get("href", "") if a else "",
                                 tds[2].text(), " ".join(tr.classes())]))
    elif cmd == "nosource":
        n = by_id(root, "no-source")
        out.append(n.text() if n is not None and n.tag == "p" else "")
    elif cmd == "index-link":
        n = by_id(root, "index-link")
        out.append(n.attrs.get("href", "") if n is not None else "")
    else:
        sys.exit("unknown command " + cmd)
    sys.stdout.write("".join(line + "\n" for line in out))


main()
