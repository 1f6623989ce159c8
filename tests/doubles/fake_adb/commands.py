"""What the fake phone's tools do: input, am, monkey, pm, cmd, ime, settings, wm, dumpsys,
getprop, screencap, uiautomator and a few coreutils. Outputs mimic real Android's."""

from __future__ import annotations

import base64
import posixpath

from .input import tool_input
from .phone import ADB_IME, LAUNCHER, FakePhone
from .shell import ShellSyntaxError, parse

Result = tuple[int, bytes, bytes]


def ok(text: str = "") -> Result:
    return 0, text.encode(), b""


def fail(text: str, rc: int = 1) -> Result:
    return rc, b"", text.encode()


def run_line(phone: FakePhone, line: str) -> Result:
    """Run one command line as the phone's sh would (without any expansion)."""
    try:
        commands = parse(line)
    except ShellSyntaxError as exc:
        return fail(f"sh: {exc}", 2)
    rc, out, err = 0, b"", b""
    for cmd in commands:
        if (cmd.joined_by == "&&" and rc != 0) or (cmd.joined_by == "||" and rc == 0):
            continue
        rc, o, e = run_argv(phone, cmd.argv)
        if cmd.stdout_to and cmd.stdout_to != "/dev/null":
            old = phone.files.get(cmd.stdout_to, b"") if cmd.append else b""
            phone.files[cmd.stdout_to] = old + o
        elif not cmd.stdout_to:
            out += o
        err += e
    return rc, out, err


def run_argv(phone: FakePhone, argv: list[str]) -> Result:
    name, args = argv[0], argv[1:]
    handler = TOOLS.get(name)
    if handler is None:
        return fail(f"/system/bin/sh: {name}: inaccessible or not found", 127)
    with phone.lock:
        return handler(phone, args)


# --- activity manager, packages, input methods, settings --------------------------------------
def tool_am(phone: FakePhone, args: list[str]) -> Result:
    if args[:1] == ["start"]:
        comp = args[args.index("-n") + 1] if "-n" in args else ""
        pkg, _, act = comp.partition("/")
        app = phone.app(pkg)
        act = pkg + act if act.startswith(".") else act
        if not app or app.activity != act:
            return ok(f"Starting: Intent {{ cmp={comp} }}\nError type 3\n"
                      f"Error: Activity class {{{comp}}} does not exist.\n")
        phone.foreground = (pkg, act)
        phone.events.append(("start", pkg))
        return ok(f"Starting: Intent {{ act=android.intent.action.MAIN cmp={comp} }}\nStatus: ok\n")
    if args[:1] == ["force-stop"] and len(args) == 2:
        phone.events.append(("force-stop", args[1]))
        if phone.foreground[0] == args[1]:
            phone.foreground = (LAUNCHER, phone.app(LAUNCHER).activity)
        return ok()
    if args[:1] == ["broadcast"] and "-a" in args:
        action = args[args.index("-a") + 1]
        extras = dict(zip(args[args.index("--es") + 1::3], args[args.index("--es") + 2::3])) if "--es" in args else {}
        phone.events.append(("broadcast", action, extras))
        if action == "ADB_INPUT_B64" and phone.ime() == ADB_IME and ADB_IME in phone.imes:
            phone.text += base64.b64decode(extras.get("msg", "")).decode("utf-8")
        return ok(f"Broadcasting: Intent {{ act={action} flg=0x400000 (has extras) }}\n"
                  "Broadcast completed: result=0\n")
    return fail(f"Error: unknown am command {args}")


def tool_monkey(phone: FakePhone, args: list[str]) -> Result:
    pkg = args[args.index("-p") + 1] if "-p" in args else ""
    app = phone.app(pkg)
    if not app or not app.activity:
        return 252, b"  bash arg: -p\n** No activities found to run, monkey aborted.\n", b""
    phone.foreground = (pkg, app.activity)
    phone.events.append(("start", pkg))
    return ok("  bash arg: -p\nEvents injected: 1\n## Network stats: elapsed time=10ms\n")


def tool_pm(phone: FakePhone, args: list[str]) -> Result:
    if args[:2] == ["list", "packages"]:
        return ok("".join(f"package:{a.package}\n" for a in phone.apps))
    if args[:1] == ["clear"] and len(args) == 2:
        if not phone.app(args[1]):
            return ok("Failed\n")
        phone.events.append(("clear", args[1]))
        prefix = f"/data/data/{args[1]}/"
        for path in [p for p in phone.files if p.startswith(prefix)]:
            del phone.files[path]
        return ok("Success\n")
    return fail(f"Error: unknown pm command {args}")


def tool_cmd(phone: FakePhone, args: list[str]) -> Result:
    if args[:2] != ["package", "query-activities"]:
        return fail(f"cmd: unknown {args}")
    found = [a for a in phone.apps if a.activity]
    lines = [f"{len(found)} activities found:"]
    for n, a in enumerate(found):
        label = a.label if a.label else "null"
        lines += [f"  Activity #{n}:", "    priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=false",
                  "    ActivityInfo:", f"      name={a.activity}", f"      packageName={a.package}",
                  f"      labelRes=0x7f120001 nonLocalizedLabel={label} icon=0x7f080001 banner=0x0",
                  "      enabled=true exported=true directBootAware=false"]
    return ok("\n".join(lines) + "\n")


def tool_ime(phone: FakePhone, args: list[str]) -> Result:
    if args[:1] == ["list"]:
        return ok("".join(i + "\n" for i in (phone.imes if "-a" in args else phone.enabled_imes)))
    if args[:1] in (["enable"], ["set"]) and len(args) == 2:
        ime = args[1]
        if ime not in phone.imes:
            return fail(f"Unknown input method {ime} cannot be enabled for user #0", 255)
        if args[0] == "enable":
            if ime not in phone.enabled_imes:
                phone.enabled_imes.append(ime)
            return ok(f"Input method {ime}: now enabled for user #0\n")
        if ime not in phone.enabled_imes:
            return fail(f"Unknown input method {ime} cannot be selected for user #0", 255)
        phone.settings[("secure", "default_input_method")] = ime
        phone.events.append(("ime", ime))
        return ok(f"Input method {ime} selected for user #0\n")
    return fail(f"ime: unknown {args}")


def tool_settings(phone: FakePhone, args: list[str]) -> Result:
    if len(args) == 3 and args[0] == "get":
        return ok(phone.settings.get((args[1], args[2]), "null") + "\n")
    if len(args) == 4 and args[0] == "put":
        phone.settings[(args[1], args[2])] = args[3]
        return ok()
    return fail("usage: settings [--user NUM] get|put NAMESPACE KEY [VALUE]")


# --- the display, system state ----------------------------------------------------------------
def tool_wm(phone: FakePhone, args: list[str]) -> Result:
    w, h = phone.natural
    text = f"Physical size: {w}x{h}\n"
    if phone.override:
        text += f"Override size: {phone.override[0]}x{phone.override[1]}\n"
    return ok(text) if args == ["size"] else fail(f"wm: unknown {args}")


def tool_dumpsys(phone: FakePhone, args: list[str]) -> Result:
    what = " ".join(args)
    w, h = phone.override or phone.natural
    lw, lh = (w, h) if phone.rotation % 2 == 0 else (h, w)
    if what == "input":
        if phone.old_dumpsys:
            return ok(f"INPUT MANAGER\n  Device 2: touch\n    SurfaceOrientation: {phone.rotation}\n")
        return ok("INPUT MANAGER (dumpsys input)\n\nInput Manager State:\n  Viewports:\n"
                  f"    Viewport INTERNAL: displayId=0, uniqueId=local:4619827259835644672, port=130, "
                  f"orientation={phone.rotation}, logicalFrame=[0, 0, {lw}, {lh}], physicalFrame=[0, 0, "
                  f"{lw}, {lh}], deviceSize=[{lw}, {lh}], isActive=[true]\n")
    if what == "display":
        return ok(f"DisplayViewport{{type=INTERNAL, valid=true, isActive=true, displayId=0, "
                  f"orientation={phone.rotation}, deviceWidth={lw}, deviceHeight={lh}}}\n")
    pkg, act = phone.foreground
    short = act[len(pkg):] if act.startswith(pkg + ".") else act
    if what == "activity activities":
        return ok("ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)\n"
                  f"  ResumedActivity: ActivityRecord{{8f1c2a0 u0 {pkg}/{short} t42}}\n")
    if what == "window":
        return ok(f"  mCurrentFocus=Window{{3c2b1a u0 {pkg}/{act}}}\n")
    return ok("")


def tool_getprop(phone: FakePhone, args: list[str]) -> Result:
    props = {"ro.build.version.sdk": str(phone.sdk), "ro.product.model": "Fake Phone"}
    return ok(props.get(args[0], "") + "\n" if args else "")


def tool_screencap(phone: FakePhone, args: list[str]) -> Result:
    if args == ["-p"]:
        return 0, phone.png_frame(), b""
    if args == [] and phone.raw_works:
        return 0, phone.raw_frame(), b""
    if args == []:
        return 0, b"\x00" * 64, b""  # a raw form this phone's reader will not recognise
    return fail(f"screencap: bad args {args}")


def tool_uiautomator(phone: FakePhone, args: list[str]) -> Result:
    if args[:1] != ["dump"]:
        return fail("uiautomator: unknown command")
    path = args[1] if len(args) > 1 else "/sdcard/window_dump.xml"
    phone.files[path] = phone.ui_xml.encode()
    return ok(f"UI hierchary dumped to: {path}\n")


# --- coreutils -------------------------------------------------------------------------------
def tool_cat(phone: FakePhone, args: list[str]) -> Result:
    out = b""
    for path in args:
        if path not in phone.files:
            return 1, out, f"cat: {path}: No such file or directory\n".encode()
        out += phone.files[path]
    return 0, out, b""


def tool_test(phone: FakePhone, args: list[str]) -> Result:
    if len(args) == 2 and args[0] in ("-e", "-f", "-d"):
        path = args[1]
        hit = {"-e": path in phone.files or path in phone.dirs, "-f": path in phone.files,
               "-d": path in phone.dirs}[args[0]]
        return 0 if hit else 1, b"", b""
    return fail("test: unsupported", 2)


def tool_rm(phone: FakePhone, args: list[str]) -> Result:
    for path in (a for a in args if not a.startswith("-")):
        phone.files.pop(path, None)
    return ok()


def tool_mkdir(phone: FakePhone, args: list[str]) -> Result:
    for path in (a for a in args if not a.startswith("-")):
        while path not in ("", "/"):
            phone.dirs.add(path)
            path = posixpath.dirname(path)
    return ok()


TOOLS = {
    "input": tool_input, "am": tool_am, "monkey": tool_monkey, "pm": tool_pm, "cmd": tool_cmd,
    "ime": tool_ime, "settings": tool_settings, "wm": tool_wm, "dumpsys": tool_dumpsys,
    "getprop": tool_getprop, "screencap": tool_screencap, "uiautomator": tool_uiautomator,
    "cat": tool_cat, "test": tool_test, "rm": tool_rm, "mkdir": tool_mkdir,
    "echo": lambda phone, args: ok(" ".join(args) + "\n"),
    "true": lambda phone, args: ok(), "false": lambda phone, args: fail("", 1),
}
