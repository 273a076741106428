#!/usr/bin/env python3
"""The script a team would write instead of rolecall: the benchmark's peer.

    peer.py REPO [--check]

Reads every record under REPO/incidents (``*.yaml``, ``*.yml``, hidden
entries skipped) with PyYAML's ``safe_load`` (the C loader when PyYAML was
built with libyaml), reads REPO/people.yaml, checks that every role each
incident lists has an owner and that the roles its severity requires are
there, and renders with Jinja2 the documents rolecall renders, at the same
paths (documents beside the records): one brief per role held or required,
one note per handover, the incident overview, a postmortem for resolved
incidents (its marked sections replaced, the rest kept), and the index.
Each document is compared with the file on disk; the changed ones are
written and committed with ``git add`` and ``git commit`` (no git call when
nothing changed). With ``--check`` nothing is written and the exit status
is 1 when a document would change.

One process, one core, as such a script is usually written; the role
catalogue and severities are rolecall's defaults, written into the script.
Not done (rolecall does them): removing stale documents, a run lock, atomic
writes, the other rules of ``rolecall check``.
"""

import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import jinja2
import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HERE = os.path.dirname(os.path.abspath(__file__))

ROLES = {
    "incident_manager": ("Incident manager", True, "declared", None,
                         "Owns the incident from declaration to resolution and has the final say on what happens next.",
                         ["Decide and drive the actions that will resolve the incident, including calling in more people.",
                          "Keep everyone working on the fix pointed at the same goal and away from distractions.",
                          "Make sure the tech lead and the communications manager have what they need."]),
    "tech_lead": ("Tech lead", True, "declared", "incident_manager",
                  "Leads the technical response and is the incident manager's first point of contact.",
                  ["Bring the right engineers together and give them direction.",
                   "Help the team form theories about what is broken and how to fix it.",
                   "Keep the incident manager informed of findings, risks and progress."]),
    "communications_manager": ("Communications manager", True, "declared", "incident_manager",
                               "Writes and shapes every update about the incident, for stakeholders and customers.",
                               ["Draft updates with senior stakeholders and customer support.",
                                "Publish a meaningful update every time one is due, without missing the cadence.",
                                "Keep a record of what was said, where and when."]),
    "postmortem_owner": ("Postmortem owner", True, "resolved", None,
                         "Makes sure a useful postmortem happens within a few days of resolution.",
                         ["Gather the people involved soon after the incident is resolved.",
                          "Lead the team to a shared list of lessons and follow-up actions.",
                          "See that the postmortem document is finished and shared."]),
    "technical_support": ("Technical support / engineer", False, None, "tech_lead",
                          "Works on diagnosing and fixing the problem under the tech lead's direction.",
                          ["Investigate and try fixes the tech lead asks for.",
                           "Report findings back to the tech lead promptly."]),
    "domain_expert": ("Domain knowledge expert", False, None, "incident_manager",
                      "Brings deep knowledge of an affected system or area and proposes workarounds for partial outages.",
                      ["Suggest workarounds that reduce impact while a full fix is found.",
                       "Answer the incident manager's questions about the affected area."]),
    "customer_support": ("Customer support", False, None, "communications_manager",
                         "Speaks for the customers affected and relays what they report.",
                         ["Pass customer reports and questions to the communications manager.",
                          "Share the agreed updates with customers."]),
}
SEVERITIES = {
    "SEV1": (["incident_manager", "tech_lead", "communications_manager", "postmortem_owner"], 30, 3),
    "SEV2": (["incident_manager", "tech_lead", "communications_manager", "postmortem_owner"], 60, 5),
    "SEV3": (["incident_manager", "tech_lead", "postmortem_owner"], 240, 10),
    "SEV4": (["incident_manager"], None, None),
}
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
SECTION = re.compile(r"<!-- rolecall:begin (\S+) -->\n.*?<!-- rolecall:end \1 -->\n", re.S)


def main(argv):
    if not argv or argv[0].startswith("-"):
        print("usage: peer.py REPO [--check]", file=sys.stderr)
        return 2
    repo, check = argv[0], "--check" in argv[1:]
    people = load(os.path.join(repo, "people.yaml")) or {}
    env = environment(people)
    records = [(path, load(os.path.join(repo, path))) for path in record_paths(repo)]
    errors = [e for path, r in records for e in role_errors(path, r)]
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    changed, total, rows = [], 0, []
    for path, record in records:
        incident = view(record, people)
        rows.append(incident)
        for doc, text in documents(env, path, incident):
            total += 1
            changed += compare(repo, doc, text, check)
    rows.sort(key=lambda i: (i["started_at"], i["id"]), reverse=True)
    for i in rows:
        i["link"] = i["id"] + "/README.md"
    index = env.get_template("index.md.j2").render(incidents=rows)
    total += 1
    changed += compare(repo, "incidents/README.md", header("incidents/") + index, check)
    print(f"peer: {total} documents for {len(records)} incidents, {len(changed)} changed")
    if check:
        return 1 if changed else 0
    if changed:
        git(repo, ["add", "--pathspec-from-file=-"], "\n".join(changed))
        git(repo, ["commit", "-q", "-m", f"peer: render {len(changed)} documents"])
    return 0


def load(path):
    with open(path, "rb") as f:
        return yaml.load(f, Loader=LOADER)


def record_paths(repo):
    found = []
    for folder, dirs, files in os.walk(os.path.join(repo, "incidents")):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and name.endswith((".yaml", ".yml")):
                found.append(os.path.relpath(os.path.join(folder, name), repo))
    return sorted(found)


def role_errors(path, record):
    roles = record.get("roles") or {}
    errors = []
    for key, holders in roles.items():
        for shift in holders if isinstance(holders, list) else [holders]:
            owner = shift.get("owner") if isinstance(shift, dict) else shift
            if not owner:
                errors.append(f"{path}: role {key} has a shift without an owner")
    required, _, _ = SEVERITIES.get(record.get("severity"), ([], None, None))
    resolved = record.get("status") == "resolved"
    for key in required:
        if key not in roles and (ROLES[key][2] == "declared" or resolved):
            errors.append(f"{path}: {record.get('severity')} requires a {key}")
    return errors


def header(source):
    return f"<!-- generated by peer.py from {source}; edit the record, not this file -->\n"


def documents(env, path, incident):
    """Yields (path, text) for each document of one incident."""
    folder = f"incidents/{incident['id']}"
    head = header(path)
    context = {"incident": incident, "source": path}
    brief = env.get_template("brief.md.j2")
    for role in incident["roles"]:
        yield f"{folder}/briefs/{role['brief']}", head + brief.render(context, role=role)
    note = env.get_template("handover.md.j2")
    for handover in incident["handovers"]:
        yield f"{folder}/handovers/{handover['file']}", head + note.render(context, handover=handover)
    yield f"{folder}/README.md", head + env.get_template("incident.md.j2").render(context)
    if incident["postmortem"]["document"]:
        yield f"{folder}/postmortem.md", head + env.get_template("postmortem.md.j2").render(context)


def compare(repo, path, text, check):
    """Returns [path] when the file differs from `text` (and writes it unless
    `check`), [] when it matches."""
    full = os.path.join(repo, path)
    try:
        with open(full, encoding="utf-8") as f:
            old = f.read()
    except FileNotFoundError:
        old = None
    if old == text:
        return []
    if old is not None and path.endswith("postmortem.md"):
        fresh = {m.group(1): m.group(0) for m in SECTION.finditer(text)}
        text = SECTION.sub(lambda m: fresh.get(m.group(1), m.group(0)), old)
        if text == old:
            return []
    if not check:
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
    return [path]


def git(repo, args, stdin=None):
    subprocess.run(["git", "-C", repo, *args], input=stdin, text=True, check=True)


def environment(people):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(HERE, "templates")),
                             keep_trailing_newline=True, autoescape=False)

    def inline(value):
        return MARKDOWN_SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")

    def person(key, contact=True):
        entry = people.get(key) or {}
        name = inline(entry.get("name", key))
        if contact and entry.get("contact"):
            return f"{name} ({inline(entry['contact'])})"
        return name

    env.filters.update(
        inline=inline,
        cell=inline,
        block=lambda text: str(text).rstrip("\n").replace("<!--", "&lt;!--"),
        person=person,
        people=lambda keys, contact=True: ", ".join(person(k, contact) for k in keys),
        utc=lambda t: t.strftime("%Y-%m-%d %H:%M UTC") if isinstance(t, datetime) else str(t),
        duration=duration,
        link=lambda url, text=None: f"[{inline(text or url)}]({url})",
        mermaid=lambda text: re.sub(r"[:;#]", " ", str(text)),
    )
    return env


def duration(value):
    minutes = int(value.total_seconds() // 60) if isinstance(value, timedelta) else int(value)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def utc(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc)
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)
    return value


def view(record, people):
    """The template context of one incident, rolecall's names for its fields."""
    started, resolved_at = utc(record["started_at"]), utc(record.get("resolved_at"))
    end = resolved_at or started
    severity = record.get("severity")
    required, cadence, _ = SEVERITIES.get(severity, ([], None, None))
    updates = [dict(u, at=utc(u["at"])) for u in (record.get("communications") or {}).get("updates") or []]
    timeline = [dict(e, at=utc(e["at"])) for e in record.get("timeline") or []]
    actions = [dict(a, due=str(a["due"]) if isinstance(a.get("due"), date) else a.get("due"))
               for a in record.get("actions") or []]
    postmortem = dict(record.get("postmortem") or {})
    postmortem["meeting_at"] = utc(postmortem.get("meeting_at"))
    postmortem.setdefault("status", "not started")
    postmortem["document"] = record.get("status") == "resolved" or "status" in (record.get("postmortem") or {})
    postmortem["owner"] = None
    incident = {
        "id": record["id"], "title": record.get("title", ""), "severity": severity,
        "status": record.get("status"), "kind": record.get("kind"),
        "started_at": started, "resolved_at": resolved_at,
        "duration": (resolved_at - started) if resolved_at else None,
        "time_to_detect": None, "time_to_mitigate": None,
        "summary": record.get("summary"), "impact": record.get("impact"),
        "services": record.get("services") or [], "links": record.get("links") or [],
        "updates": updates, "timeline": timeline, "actions": actions,
        "open": record.get("status") != "resolved",
        "open_actions": sum(1 for a in actions if a.get("status") == "open"),
        "update_every": timedelta(minutes=cadence) if cadence else None,
        "last_update": updates[-1] if updates else None,
        "postmortem": postmortem,
    }
    incident["next_update_due"] = (updates[-1]["at"] + incident["update_every"]
                                   if updates and cadence and incident["open"] else None)
    roles, handovers, chart = [], [], []
    held = dict(record.get("roles") or {})
    for responder in record.get("responders") or []:
        held.setdefault(responder["role"], []).append({"owner": responder["person"]})
    for key in sorted(set(held) | set(required), key=lambda k: list(ROLES).index(k) if k in ROLES else 99):
        name, exclusive, required_from, reports_to, summary, duties = ROLES.get(key, (key, False, None, None, "", []))
        shifts = held.get(key) or []
        shifts = shifts if isinstance(shifts, list) else [shifts]
        shifts = [s if isinstance(s, dict) else {"owner": s} for s in shifts]
        history = []
        for n, shift in enumerate(shifts):
            start = utc(shift.get("from")) or started
            until = utc(shifts[n + 1].get("from")) if exclusive and n + 1 < len(shifts) else end
            history.append({"owner": shift["owner"], "from": start, "until": until})
            if exclusive and n > 0:
                handovers.append({"at": start, "role": {"key": key, "name": name},
                                  "from": shifts[n - 1]["owner"], "to": shift["owner"],
                                  "note": shift.get("handover"), "acknowledged_at": utc(shift.get("acknowledged_at"))})
        holders = [history[-1]["owner"]] if exclusive and history else [h["owner"] for h in history]
        roles.append({"key": key, "name": name, "summary": summary, "responsibilities": duties,
                      "exclusive": exclusive, "required_from": required_from, "vacant": not history,
                      "holder": holders[0] if exclusive and holders else None, "holders": holders,
                      "history": history, "brief": f"{key}.md", "reports_to_key": reports_to})
        if exclusive and history:
            chart.append({"role": name, "bars": [{"owner": h["owner"], "start": h["from"].strftime("%Y-%m-%d %H:%M"),
                                                  "end": h["until"].strftime("%Y-%m-%d %H:%M")} for h in history]})
        if key == "postmortem_owner" and holders:
            postmortem["owner"] = holders[0]
    by_key = {r["key"]: r for r in roles}
    for role in roles:
        boss = by_key.get(role["reports_to_key"])
        role["reports_to"] = {"name": boss["name"], "holders": boss["holders"]} if boss else None
        role["reports"] = [{"name": r["name"], "vacant": r["vacant"], "holders": r["holders"]}
                           for r in roles if r["reports_to_key"] == role["key"]]
    handovers.sort(key=lambda h: h["at"])
    for number, h in enumerate(handovers, 1):
        h["number"], h["file"] = number, f"{number:02}-{h['role']['key']}.md"
        h["state"] = {"status": "open", "recent_events": [e for e in timeline if e["at"] <= h["at"]][-3:],
                      "updates": [u for u in updates if u["at"] <= h["at"]]}
    incident.update(roles=roles, handovers=handovers, chart=chart,
                    vacant_roles=[r for r in roles if r["vacant"]],
                    attendees=sorted({h["owner"] for r in roles for h in r["history"]}),
                    contacts=[{"role": r["name"], "person": k, "contact": (people.get(k) or {}).get("contact")}
                              for r in roles for k in r["holders"]])
    incident["postmortem_state"] = postmortem["status"] if postmortem["document"] else "none"
    return incident


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
