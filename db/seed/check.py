#!/usr/bin/env python3
"""Validate the Perspectives Archive seed corpus (manifest.json + articles/*.txt).

Usage: python3 check.py [path/to/manifest.json]
Prints "OK" when every rule holds, otherwise every problem found (exit code 1).
Standard library only. Besides the form of every record, it checks what makes the corpus
trustworthy: every quote is the article's own words at its offsets (code points) and occurs
once in its body, never inside a documented splice; every voice has a kind; every stance says
how its words reach us (attribution, with via for quoted and reported words), when the position
was held (heldAt, with a reasoning when it is not the article's date) and how it was read
(method, curator, confidence, with a note below high confidence); every topic has stances from
at least two pieces; no proposition is compound ("rather than").
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
# The vocabularies, as src/PerspectivesApi/Data/Vocabulary.cs defines them (the credit role 'quoted'
# is deprecated there: the corpus says who is quoted with stances).
GENRES = {"interview", "analysis", "opinion", "news", "column", "editorial"}
ROLES = {"author", "interviewer", "interviewee", "translator"}
MAKERS = {"author", "interviewer", "interviewee"}
POSITIONS = {"supports", "opposes", "mixed", "neutral"}
VOICE_KINDS = {"person", "institution", "group", "editorial"}
ATTRIBUTION_KINDS = {"own-words", "quoted", "reported", "editorial"}
METHODS = {"curated", "imported"}
CONFIDENCE = {"high", "medium", "low"}
CAPTURE_NOTE_KINDS = {"splice", "other"}

FIELDS = {
    "top": {"outlets", "authors", "topics", "articles", "stances", "removed"},
    "outlet": {"id", "name", "kind", "country", "url", "description"},
    "author": {"id", "name", "affiliation", "kind", "outlet"},
    "topic": {"id", "title", "proposition", "description", "timeDependent"},
    "article": {"id", "title", "genre", "language", "outlet", "url", "published", "body",
                "credits", "republishedFrom", "provenance", "captureNotes"},
    "published": {"date", "precision", "inferred", "reasoning"},
    "credit": {"author", "role"},
    "republishedFrom": {"outlet", "url", "note", "published"},
    "provenance": {"seedFile", "sha256"},
    "captureNote": {"kind", "start", "end", "text", "note"},
    "stance": {"id", "topic", "article", "author", "position", "condition", "quote", "start", "end", "summary",
               "attribution", "heldAt", "method", "curator", "confidence", "note"},
    "attribution": {"kind", "via"},
    "heldAt": {"date", "precision", "reasoning"},
    "removed": {"collection", "id", "reason"},
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


def check_date(d, where, kind):
    """A date at its precision; published dates also say whether they were inferred."""
    if not check_fields(d, kind, where):
        return False
    prec = d["precision"]
    if prec not in DATE_BY_PRECISION:
        problem(f"{where}: precision {prec!r} not in day/month/year")
        return False
    if not (isinstance(d["date"], str) and DATE_BY_PRECISION[prec].match(d["date"])):
        problem(f"{where}: date {d['date']!r} does not match precision {prec!r}")
        return False
    return True


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


def check_reading(s, w, voice_kind, roles, pub):
    """Attribution, time held and how the stance was read."""
    vid = s["author"]
    att = s["attribution"]
    if check_fields(att, "attribution", f"{w}.attribution"):
        kind, via = att["kind"], att["via"]
        voice_roles = roles.get(vid, set())
        if kind not in ATTRIBUTION_KINDS:
            problem(f"{w}: attribution.kind {kind!r} not in {sorted(ATTRIBUTION_KINDS)}")
        elif kind == "editorial":
            if voice_kind.get(vid) != "editorial":
                problem(f"{w}: editorial attribution needs an editorial voice; {vid!r} is {voice_kind.get(vid)!r}")
            if "author" not in voice_roles:
                problem(f"{w}: the editorial voice {vid!r} is not credited as author of {s['article']!r}")
        elif kind == "own-words":
            if voice_kind.get(vid) == "editorial":
                problem(f"{w}: an editorial voice's words are attributed 'editorial', not 'own-words'")
            if not voice_roles & MAKERS:
                problem(f"{w}: own-words, but {vid!r} is not credited as author, interviewer or interviewee of {s['article']!r}")
        else:  # quoted, reported: through someone who made or speaks in the piece
            if via is None or via not in voice_kind:
                problem(f"{w}: {kind} words need a via that resolves, got {via!r}")
            elif via == vid:
                problem(f"{w}: via is the stance's own voice")
            elif not roles.get(via):
                problem(f"{w}: via {via!r} is not credited on {s['article']!r}")
            if voice_roles:
                problem(f"{w}: {vid!r} made the piece, so its words in it are own-words, not {kind}")
        if kind in ("own-words", "editorial") and via is not None:
            problem(f"{w}: {kind} words have via null")

    held = s["heldAt"]
    if held is None:
        problem(f"{w}: heldAt must say when the position was held")
    elif check_date(held, f"{w}.heldAt", "heldAt"):
        same = pub is not None and (held["date"], held["precision"]) == (pub["date"], pub["precision"])
        if not same and not is_str(held["reasoning"]):
            problem(f"{w}.heldAt differs from the article's date, so its reasoning must say why")
        if held["reasoning"] is not None and not is_str(held["reasoning"]):
            problem(f"{w}.heldAt: reasoning must be null or say something")

    if s["method"] not in METHODS:
        problem(f"{w}: method {s['method']!r} not in {sorted(METHODS)}")
    if not (isinstance(s["curator"], str) and SLUG.match(s["curator"])):
        problem(f"{w}: curator must be a curator's name, got {s['curator']!r}")
    if s["confidence"] not in CONFIDENCE:
        problem(f"{w}: confidence {s['confidence']!r} not in {sorted(CONFIDENCE)}")
    elif s["confidence"] != "high" and not is_str(s["note"]):
        problem(f"{w}: confidence {s['confidence']} needs a note saying why")
    if s["note"] is not None and not is_str(s["note"]):
        problem(f"{w}: note must be null or say something")


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
        if a["kind"] not in VOICE_KINDS:
            problem(f"{w}: kind {a['kind']!r} not in {sorted(VOICE_KINDS)}")
        if a["outlet"] is not None:
            if a["outlet"] not in outlet_ids:
                problem(f"{w}: outlet {a['outlet']!r} does not resolve")
            if a["kind"] != "editorial":
                problem(f"{w}: only an editorial voice names an outlet")

    voice_kind = {a["id"]: a.get("kind") for a in m["authors"] if isinstance(a, dict)}

    # topics
    for i, t in enumerate(m["topics"]):
        w = f"topics[{i}] ({t.get('id') if isinstance(t, dict) else '?'})"
        if not check_fields(t, "topic", w):
            continue
        for k in ("title", "proposition", "description"):
            if not is_str(t[k]):
                problem(f"{w}: {k} must be a non-empty string")
        if not isinstance(t["timeDependent"], bool):
            problem(f"{w}: timeDependent must be true or false")
        if isinstance(t["proposition"], str) and re.search(r"\brather than\b", t["proposition"]):
            problem(f"{w}: the proposition says 'rather than': split the compound into two topics")

    # articles
    bodies = {}
    credited = {}
    roles = {}
    published = {}
    splices = {}
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

        for pw, pub in ((f"{w}.published", a["published"]),
                        (f"{w}.republishedFrom.published", (a["republishedFrom"] or {}).get("published"))):
            if pub is not None and check_date(pub, pw, "published"):
                if not isinstance(pub["inferred"], bool):
                    problem(f"{pw}: inferred must be true or false")
                if not is_str(pub["reasoning"]):
                    problem(f"{pw}: reasoning must be given")
        published[aid] = a["published"]

        credited[aid] = set()
        roles[aid] = {}
        if not a["credits"]:
            problem(f"{w}: no credits (an unsigned piece credits its editorial voice as author)")
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
                roles[aid].setdefault(c["author"], set()).add(c["role"])

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
        splices[aid] = []
        notes = a["captureNotes"]
        if not isinstance(notes, list):
            problem(f"{w}: captureNotes must be a list")
            notes = []
        for j, n in enumerate(notes):
            nw = f"{w}.captureNotes[{j}]"
            if not check_fields(n, "captureNote", nw):
                continue
            if n["kind"] not in CAPTURE_NOTE_KINDS:
                problem(f"{nw}: kind {n['kind']!r} not in {sorted(CAPTURE_NOTE_KINDS)}")
            ns, ne = n["start"], n["end"]
            if not (type(ns) is int and type(ne) is int and 0 <= ns < ne <= len(bodies[aid])) or bodies[aid][ns:ne] != n["text"]:
                problem(f"{nw}: text is not at body[{ns}:{ne}]")
            elif n["kind"] == "splice":
                splices[aid].append((ns, ne))
            if not is_str(n["note"]):
                problem(f"{nw}: note must say what is wrong")
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
    per_topic_held = {tid: {} for tid in topic_ids}
    triples = {}
    voices_with_stances = set()
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
        if s["author"] not in author_ids:
            problem(f"{w}: author {s['author']!r} does not resolve (the editorial voice is named, never null)")
            ok_refs = False
        if s["condition"] is not None and not is_str(s["condition"]):
            problem(f"{w}: condition must be null or say the condition")
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
            elif body.count(q) != 1:
                problem(f"{w}: the quote occurs {body.count(q)} times in its body; quote a passage that occurs once")
            for ns, ne in splices.get(s["article"], []):
                if st < ne and ns < en:
                    problem(f"{w}: the quote overlaps text documented as spliced in at body[{ns}:{ne}]")
        if ok_refs:
            check_reading(s, w, voice_kind, roles.get(s["article"], {}), published.get(s["article"]))
            key = (s["topic"], s["article"], s["author"])
            if key in triples:
                problem(f"{w}: the same voice, topic and article as {triples[key]!r}")
            triples[key] = s["id"]
            voices_with_stances.add(s["author"])
            held = s["heldAt"] if isinstance(s["heldAt"], dict) else {}
            per_topic_held[s["topic"]].setdefault(str(held.get("date", "?"))[:4], set()).add(s["position"])
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
    # A disagreement is between positions held at the same time: 2022 against 2025 is a difference in time.
    disputed = [t for t, years in per_topic_held.items() if any({"supports", "opposes"} <= p for p in years.values())]
    if len(disputed) < MIN_DISPUTED_TOPICS:
        problem(f"counts: {len(disputed)} topic(s) with supports and opposes held in the same year, need >= {MIN_DISPUTED_TOPICS}")

    # every voice is credited on a piece or holds a stance
    all_credited = set().union(*credited.values()) if credited else set()
    for aid in sorted(author_ids - all_credited - voices_with_stances):
        problem(f"authors: {aid!r} is neither credited on an article nor holds a stance")

    # stances the corpus removed, with why
    stance_ids = {s.get("id") for s in m["stances"] if isinstance(s, dict)}
    for i, r in enumerate(m["removed"] if isinstance(m["removed"], list) else []):
        w = f"removed[{i}]"
        if not check_fields(r, "removed", w):
            continue
        if r["collection"] != "stances":
            problem(f"{w}: a manifest removes only stances, got {r['collection']!r}")
        if r["id"] in stance_ids:
            problem(f"{w}: {r['id']!r} is also listed in stances")
        if not is_str(r["reason"]):
            problem(f"{w}: the reason must be recorded")

    if problems:
        for p in problems:
            print(p)
        print(f"{len(problems)} problem(s)")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
