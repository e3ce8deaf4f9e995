#!/usr/bin/env python3
"""Validate the Perspectives Archive seed corpus (manifest.json + articles/*.txt).

Usage: python3 check.py [path/to/manifest.json]
Prints "OK" when every rule holds, otherwise every problem found (exit code 1).
Standard library only.
"""
import hashlib
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
# The raw captures are kept beside the corpus in sources/; ../shared/seeds is the original drop.
SEEDS = os.path.join(HERE, "sources")
if not os.path.isdir(SEEDS):
    SEEDS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "seeds"))

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
DATE_BY_PRECISION = {
    "day": re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"),
    "month": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "year": re.compile(r"^\d{4}$"),
}
OUTLET_KINDS = {"newspaper", "magazine", "broadcaster", "news-site", "news-agency", "blog"}
GENRES = {"interview", "analysis", "opinion", "news", "column", "editorial"}
ROLES = {"author", "interviewer", "interviewee", "translator", "quoted"}
POSITIONS = {"supports", "opposes", "mixed", "neutral"}

FIELDS = {
    "top": {"outlets", "authors", "topics", "articles", "stances"},
    "outlet": {"id", "name", "kind", "country", "url", "description"},
    "author": {"id", "name", "affiliation"},
    "topic": {"id", "title", "proposition", "description"},
    "article": {"id", "title", "genre", "language", "outlet", "url", "published", "body",
                "credits", "republishedFrom", "provenance"},
    "published": {"date", "precision", "inferred", "reasoning"},
    "credit": {"author", "role"},
    "republishedFrom": {"outlet", "url", "note"},
    "provenance": {"seedFile", "sha256"},
    "stance": {"id", "topic", "article", "author", "position", "quote", "start", "end", "summary"},
}

# Page furniture seen in the raw captures; none of it may survive in a body.
FURNITURE = [
    "Related Posts", "Recommended", "View All Result", "No Result", "ShareShareTweet",
    "Reading Time", "Write your comment", "Follow Charter97", "Charter97.org", "Sim Sim",
    "All rights reserved", "© Georgia Today", "©", "About the author",
    "The editorial team does not always share", "Tags:", "Interview by",
    "by Georgia Today", "Trending", "Highlights", "Old Website", "Support\nthe website",
    "Ivan Preobrazhensky, \"Deutsche Welle\"", "Vadym Denysenko, political scientist",
    "23.07.2025", "17 December 2025", "mins read", "\u2022",
]

MIN_TOPICS = 6
MIN_STANCES = 25
MIN_STANCES_PER_ARTICLE = 3
MIN_ARTICLES_PER_TOPIC = 2
MIN_DISPUTED_TOPICS = 2

problems = []


def problem(msg):
    problems.append(msg)


def is_str(v):
    return isinstance(v, str) and v.strip() != ""


def check_fields(obj, kind, where):
    if not isinstance(obj, dict):
        problem(f"{where}: expected an object")
        return False
    keys = set(obj)
    missing = FIELDS[kind] - keys
    extra = keys - FIELDS[kind]
    if missing:
        problem(f"{where}: missing field(s) {sorted(missing)}")
    if extra:
        problem(f"{where}: unexpected field(s) {sorted(extra)}")
    return not missing


def check_ids(items, label):
    ids = set()
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            continue
        iid = it.get("id")
        where = f"{label}[{i}]"
        if not isinstance(iid, str) or not SLUG.match(iid) or len(iid) > 80:
            problem(f"{where}: id {iid!r} is not a valid slug (^[a-z0-9]+(-[a-z0-9]+)*$, <= 80 chars)")
        if iid in ids:
            problem(f"{where}: duplicate id {iid!r}")
        ids.add(iid)
    return ids


def check_url(v, where):
    if v is not None and not (isinstance(v, str) and re.match(r"^https?://[^\s]+$", v)):
        problem(f"{where}: url must be null or an http(s) URL, got {v!r}")


def check_body(text, where):
    """Whitespace rules. Returns the body string (file content minus the final newline)."""
    if "\r" in text:
        problem(f"{where}: contains CR characters (LF line endings required)")
    if not text.endswith("\n"):
        problem(f"{where}: file must end with exactly one newline")
    elif text.endswith("\n\n"):
        problem(f"{where}: file ends with more than one newline")
    body = text[:-1] if text.endswith("\n") else text
    if body == "":
        problem(f"{where}: empty body")
        return body
    if not unicodedata.is_normalized("NFC", body):
        problem(f"{where}: text is not in Unicode NFC")
    if "\n\n\n" in body:
        problem(f"{where}: paragraphs separated by more than one blank line")
    if body.startswith("\n") or body[0].isspace():
        problem(f"{where}: leading whitespace at start of body")
    for n, line in enumerate(body.split("\n"), 1):
        if line != line.strip():
            problem(f"{where}: line {n} has leading/trailing whitespace or is whitespace-only")
    for p_i, para in enumerate(body.split("\n\n"), 1):
        if para == "":
            problem(f"{where}: empty paragraph #{p_i}")
        elif "\n" in para:
            problem(f"{where}: paragraph #{p_i} contains a single line break (paragraphs are one line, separated by one blank line)")
    for marker in FURNITURE:
        if marker in body:
            problem(f"{where}: contains page-furniture marker {marker!r}")
    return body


def main():
    manifest_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "manifest.json")
    base = os.path.dirname(os.path.abspath(manifest_path))
    try:
        with open(manifest_path, "rb") as f:
            raw = f.read()
        m = json.loads(raw.decode("utf-8"))
    except Exception as e:  # noqa: BLE001
        print(f"cannot read {manifest_path}: {e}")
        return 1

    if not check_fields(m, "top", "manifest"):
        for p in problems:
            print(p)
        return 1
    for key in FIELDS["top"]:
        if not isinstance(m[key], list):
            problem(f"manifest.{key}: expected a list")
            m[key] = []

    outlet_ids = check_ids(m["outlets"], "outlets")
    author_ids = check_ids(m["authors"], "authors")
    topic_ids = check_ids(m["topics"], "topics")
    article_ids = check_ids(m["articles"], "articles")
    check_ids(m["stances"], "stances")

    # outlets
    for i, o in enumerate(m["outlets"]):
        w = f"outlets[{i}] ({o.get('id') if isinstance(o, dict) else '?'})"
        if not check_fields(o, "outlet", w):
            continue
        if not is_str(o["name"]):
            problem(f"{w}: name must be a non-empty string")
        if o["kind"] not in OUTLET_KINDS:
            problem(f"{w}: kind {o['kind']!r} not in {sorted(OUTLET_KINDS)}")
        if o["country"] is not None and not (isinstance(o["country"], str) and COUNTRY.match(o["country"])):
            problem(f"{w}: country must be ISO 3166-1 alpha-2 or null, got {o['country']!r}")
        check_url(o["url"], w)
        if o["description"] is not None and not isinstance(o["description"], str):
            problem(f"{w}: description must be a string")

    # authors
    for i, a in enumerate(m["authors"]):
        w = f"authors[{i}] ({a.get('id') if isinstance(a, dict) else '?'})"
        if not check_fields(a, "author", w):
            continue
        if not is_str(a["name"]):
            problem(f"{w}: name must be a non-empty string")
        if a["affiliation"] is not None and not is_str(a["affiliation"]):
            problem(f"{w}: affiliation must be a non-empty string or null")

    # topics
    for i, t in enumerate(m["topics"]):
        w = f"topics[{i}] ({t.get('id') if isinstance(t, dict) else '?'})"
        if not check_fields(t, "topic", w):
            continue
        for k in ("title", "proposition", "description"):
            if not is_str(t[k]):
                problem(f"{w}: {k} must be a non-empty string")

    # articles
    bodies = {}
    credited = {}
    for i, a in enumerate(m["articles"]):
        w = f"articles[{i}] ({a.get('id') if isinstance(a, dict) else '?'})"
        if not check_fields(a, "article", w):
            continue
        aid = a["id"]
        if not is_str(a["title"]):
            problem(f"{w}: title must be a non-empty string")
        if a["genre"] not in GENRES:
            problem(f"{w}: genre {a['genre']!r} not in {sorted(GENRES)}")
        if not (isinstance(a["language"], str) and BCP47.match(a["language"])):
            problem(f"{w}: language {a['language']!r} is not a BCP-47 tag")
        if a["outlet"] is not None and a["outlet"] not in outlet_ids:
            problem(f"{w}: outlet {a['outlet']!r} does not resolve")
        check_url(a["url"], w)

        pub = a["published"]
        if pub is not None and check_fields(pub, "published", f"{w}.published"):
            prec = pub["precision"]
            if prec not in DATE_BY_PRECISION:
                problem(f"{w}.published: precision {prec!r} not in day/month/year")
            elif not (isinstance(pub["date"], str) and DATE_BY_PRECISION[prec].match(pub["date"])):
                problem(f"{w}.published: date {pub['date']!r} does not match precision {prec!r}")
            if not isinstance(pub["inferred"], bool):
                problem(f"{w}.published: inferred must be true or false")
            if not is_str(pub["reasoning"]):
                problem(f"{w}.published: reasoning must be given")

        credited[aid] = set()
        if not isinstance(a["credits"], list):
            problem(f"{w}: credits must be a list")
        else:
            seen = set()
            for j, c in enumerate(a["credits"]):
                cw = f"{w}.credits[{j}]"
                if not check_fields(c, "credit", cw):
                    continue
                if c["author"] not in author_ids:
                    problem(f"{cw}: author {c['author']!r} does not resolve")
                if c["role"] not in ROLES:
                    problem(f"{cw}: role {c['role']!r} not in {sorted(ROLES)}")
                if (c["author"], c["role"]) in seen:
                    problem(f"{cw}: duplicate credit")
                seen.add((c["author"], c["role"]))
                credited[aid].add(c["author"])

        rf = a["republishedFrom"]
        if rf is not None and check_fields(rf, "republishedFrom", f"{w}.republishedFrom"):
            if rf["outlet"] not in outlet_ids:
                problem(f"{w}.republishedFrom: outlet {rf['outlet']!r} does not resolve")
            check_url(rf["url"], f"{w}.republishedFrom")
            if rf["note"] is not None and not isinstance(rf["note"], str):
                problem(f"{w}.republishedFrom: note must be a string or null")

        prov = a["provenance"]
        if check_fields(prov, "provenance", f"{w}.provenance"):
            if not (isinstance(prov["sha256"], str) and SHA256.match(prov["sha256"])):
                problem(f"{w}.provenance: sha256 must be 64 lowercase hex digits")
            seed = os.path.join(SEEDS, str(prov["seedFile"]))
            if os.path.isdir(SEEDS):
                if not os.path.isfile(seed):
                    problem(f"{w}.provenance: seed file {seed} not found")
                else:
                    with open(seed, "rb") as f:
                        digest = hashlib.sha256(f.read()).hexdigest()
                    if digest != prov["sha256"]:
                        problem(f"{w}.provenance: sha256 mismatch for {prov['seedFile']} (actual {digest})")

        bpath = a["body"]
        if not (isinstance(bpath, str) and bpath == f"articles/{aid}.txt"):
            problem(f"{w}: body must be 'articles/{aid}.txt', got {bpath!r}")
        full = os.path.join(base, str(bpath))
        if not os.path.isfile(full):
            problem(f"{w}: body file {bpath} does not exist")
            continue
        with open(full, "rb") as f:
            data = f.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            problem(f"{w}: body file is not UTF-8")
            continue
        bodies[aid] = check_body(text, f"{w} body")
        if a["title"] and isinstance(a["title"], str) and bodies[aid].startswith(a["title"]):
            problem(f"{w}: body starts with the title (the title belongs in the manifest only)")

    if not os.path.isdir(SEEDS):
        print(f"notice: {SEEDS} not found; sha256 checks skipped")

    # stray body files
    adir = os.path.join(base, "articles")
    if os.path.isdir(adir):
        for fn in sorted(os.listdir(adir)):
            if fn.endswith(".txt") and fn[:-4] not in article_ids:
                problem(f"articles/{fn}: body file not referenced by any article")

    # stances
    per_article = {aid: 0 for aid in article_ids}
    per_topic_articles = {tid: set() for tid in topic_ids}
    per_topic_positions = {tid: set() for tid in topic_ids}
    for i, s in enumerate(m["stances"]):
        w = f"stances[{i}] ({s.get('id') if isinstance(s, dict) else '?'})"
        if not check_fields(s, "stance", w):
            continue
        ok_refs = True
        if s["topic"] not in topic_ids:
            problem(f"{w}: topic {s['topic']!r} does not resolve")
            ok_refs = False
        if s["article"] not in article_ids:
            problem(f"{w}: article {s['article']!r} does not resolve")
            ok_refs = False
        if s["author"] is not None:
            if s["author"] not in author_ids:
                problem(f"{w}: author {s['author']!r} does not resolve")
            elif s["article"] in credited and s["author"] not in credited[s["article"]]:
                problem(f"{w}: author {s['author']!r} is not credited on article {s['article']!r}")
        if s["position"] not in POSITIONS:
            problem(f"{w}: position {s['position']!r} not in {sorted(POSITIONS)}")
        if not is_str(s["summary"]):
            problem(f"{w}: summary must be a non-empty string")
        q, st, en = s["quote"], s["start"], s["end"]
        if not is_str(q):
            problem(f"{w}: quote must be a non-empty string")
        elif not (type(st) is int and type(en) is int and 0 <= st < en):
            problem(f"{w}: start/end must be integers with 0 <= start < end")
        elif s["article"] in bodies:
            body = bodies[s["article"]]
            if en > len(body):
                problem(f"{w}: end {en} beyond body length {len(body)}")
            elif body[st:en] != q:
                hint = body.find(q)
                problem(f"{w}: body[{st}:{en}] != quote" + (f" (quote found at {hint})" if hint >= 0 else " (quote not in body)"))
        if ok_refs:
            per_article[s["article"]] += 1
            per_topic_articles[s["topic"]].add(s["article"])
            per_topic_positions[s["topic"]].add(s["position"])

    # counts
    if len(topic_ids) < MIN_TOPICS:
        problem(f"counts: {len(topic_ids)} topics, need >= {MIN_TOPICS}")
    if len(m["stances"]) < MIN_STANCES:
        problem(f"counts: {len(m['stances'])} stances, need >= {MIN_STANCES}")
    for aid, n in sorted(per_article.items()):
        if n < MIN_STANCES_PER_ARTICLE:
            problem(f"counts: article {aid} has {n} stances, need >= {MIN_STANCES_PER_ARTICLE}")
    for tid, arts in sorted(per_topic_articles.items()):
        if len(arts) < MIN_ARTICLES_PER_TOPIC:
            problem(f"counts: topic {tid} has stances from {len(arts)} article(s), need >= {MIN_ARTICLES_PER_TOPIC}")
    disputed = [t for t, p in per_topic_positions.items() if {"supports", "opposes"} <= p]
    if len(disputed) < MIN_DISPUTED_TOPICS:
        problem(f"counts: {len(disputed)} topic(s) with both supports and opposes, need >= {MIN_DISPUTED_TOPICS}")

    # every listed author should be credited somewhere
    all_credited = set().union(*credited.values()) if credited else set()
    for aid in sorted(author_ids - all_credited):
        problem(f"authors: {aid!r} is not credited on any article")

    if problems:
        for p in problems:
            print(p)
        print(f"{len(problems)} problem(s)")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
