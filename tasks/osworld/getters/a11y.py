"""The `accessibility_tree` getter: the desktop's AT-SPI tree as OSWorld's XML.

Apps publish their accessibility objects on the AT-SPI bus, which the session D-Bus hands out
(`org.a11y.Bus.GetAddress`); steps.AccessibilityBus gives a task that needs the tree a session
bus of its own before its apps start. The tree is read over D-Bus with jeepney (pure Python;
OSWorld's server used pyatspi, which needs GObject introspection) and written the way
OSWorld's server writes it: one element per object named by its role ('push button' ->
`push-button`), `name`, states as `st:<state>="true"`, object attributes as `attr:<key>`,
position and size as `cp:screencoord`/`cp:size` for showing objects, `val:` values, `act:`
actions, the text as the element's text; the root is `desktop-frame`, the apps its children.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from drivers.base import require

from ...task import CheckError
from ..metrics.desktop import A11Y_NS

if TYPE_CHECKING:
    from ...task import TaskContext

MAX_DEPTH = 50
MAX_WIDTH = 1024
"""OSWorld's limits: objects deeper or children past this many are left out."""

READ_TIMEOUT = 120.0
"""Seconds the whole read may take; deeper objects are left out after that."""

_STATES = ("invalid", "active", "armed", "busy", "checked", "collapsed", "defunct", "editable", "enabled",
           "expandable", "expanded", "focusable", "focused", "has_tooltip", "horizontal", "iconified", "modal",
           "multi_line", "multiselectable", "opaque", "pressed", "resizable", "selectable", "selected", "sensitive",
           "showing", "single_line", "stale", "transient", "vertical", "visible", "manages_descendants",
           "indeterminate", "required", "truncated", "animated", "invalid_entry", "supports_autocompletion",
           "selectable_text", "is_default", "visited", "checkable", "has_popup", "read_only")
"""AT-SPI's state numbers, named as pyatspi's StateType without 'STATE_', lower case."""

_IFACE = "org.a11y.atspi."
_ROOT = ("org.a11y.atspi.Registry", "/org/a11y/atspi/accessible/root")


class _Reader:
    """Calls on the AT-SPI bus; each gives the reply's body, or None when the object cannot
    answer (gone, or without that interface)."""

    def __init__(self, connection, deadline: float):
        self.conn, self.deadline = connection, deadline

    def _send(self, msg) -> Any:
        from jeepney.wrappers import DBusErrorResponse

        try:
            reply = self.conn.send_and_get_reply(msg, timeout=5)
        except (DBusErrorResponse, TimeoutError, OSError):
            return None
        return None if reply.header.message_type.name == "error" else reply.body

    def call(self, ref: tuple[str, str], iface: str, method: str, signature: str | None = None, *args) -> Any:
        from jeepney import DBusAddress, new_method_call

        return self._send(new_method_call(DBusAddress(ref[1], ref[0], _IFACE + iface), method, signature, args))

    def prop(self, ref: tuple[str, str], iface: str, name: str) -> Any:
        from jeepney import DBusAddress, Properties

        body = self._send(Properties(DBusAddress(ref[1], ref[0], _IFACE + iface)).get(name))
        return body[0][1] if body else None


def _states(bits: list[int]) -> list[str]:
    found = []
    for word, value in enumerate(bits):
        for bit in range(32):
            n = word * 32 + bit
            if value >> bit & 1 and n < len(_STATES):
                found.append(_STATES[n])
    return found


def _node(reader: _Reader, ref: tuple[str, str], depth: int, etree) -> Any:
    st, attr_ns, cp, val, act = (A11Y_NS[k] for k in ("st", "attr", "cp", "val", "act"))
    attrs: dict[str, str] = {"name": reader.prop(ref, "Accessible", "Name") or ""}
    state = reader.call(ref, "Accessible", "GetState")
    for name in _states(state[0] if state else []):
        attrs[f"{{{st}}}{name}"] = "true"
    pairs = reader.call(ref, "Accessible", "GetAttributes")
    for key, value in (pairs[0] if pairs else {}).items():
        if key:
            attrs[f"{{{attr_ns}}}{key}"] = value
    interfaces = set((reader.call(ref, "Accessible", "GetInterfaces") or [[]])[0])
    if attrs.get(f"{{{st}}}visible") == "true" and attrs.get(f"{{{st}}}showing") == "true" \
            and _IFACE + "Component" in interfaces:
        box = reader.call(ref, "Component", "GetExtents", "u", 0)  # 0: screen coordinates
        if box:
            x, y, w, h = box[0]
            attrs[f"{{{cp}}}screencoord"] = str((x, y))
            attrs[f"{{{cp}}}size"] = str((w, h))
    text = ""
    if _IFACE + "Text" in interfaces:
        got = reader.call(ref, "Text", "GetText", "ii", 0, -1)
        text = (got[0] if got else "").replace("\ufffc", "").replace("\ufffd", "")
    if _IFACE + "Image" in interfaces:
        attrs["image"] = "true"
    if _IFACE + "Selection" in interfaces:
        attrs["selection"] = "true"
    if _IFACE + "Value" in interfaces:
        for key, prop in (("value", "CurrentValue"), ("min", "MinimumValue"), ("max", "MaximumValue"),
                          ("step", "MinimumIncrement")):
            number = reader.prop(ref, "Value", prop)
            if number is not None:
                attrs[f"{{{val}}}{key}"] = str(number)
    if _IFACE + "Action" in interfaces:
        actions = reader.call(ref, "Action", "GetActions")
        for name, description, keys in (actions[0] if actions else []):
            name = name.replace(" ", "-")
            attrs[f"{{{act}}}{name}_desc"] = description
            attrs[f"{{{act}}}{name}_kb"] = keys
    role = ((reader.call(ref, "Accessible", "GetRoleName") or [""])[0].strip() or "unknown").replace(" ", "-")
    element = etree.Element(role, attrib=attrs, nsmap=A11Y_NS)
    if text:
        element.text = text
    if depth < MAX_DEPTH and time.monotonic() < reader.deadline:
        children = reader.call(ref, "Accessible", "GetChildren")
        for child in (children[0] if children else [])[:MAX_WIDTH]:
            element.append(_node(reader, tuple(child), depth + 1, etree))
    return element


def read_tree(session_address: str, timeout: float = READ_TIMEOUT) -> str:
    """The AT-SPI tree reachable from the session bus at `session_address`, as XML."""
    require("jeepney", "osworld")
    etree = require("lxml.etree", "osworld")
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    try:
        with open_dbus_connection(session_address) as session:
            reply = session.send_and_get_reply(
                new_method_call(DBusAddress("/org/a11y/bus", "org.a11y.Bus", "org.a11y.Bus"), "GetAddress"), timeout=10)
        a11y_address = reply.body[0]
        connection = open_dbus_connection(a11y_address)
    except Exception as exc:  # no bus, no AT-SPI launcher: say which
        raise CheckError(f"no accessibility bus on {session_address}: {exc}") from None
    with connection:
        reader = _Reader(connection, time.monotonic() + timeout)
        root = etree.Element("desktop-frame", nsmap=A11Y_NS)
        apps = reader.call(_ROOT, "Accessible", "GetChildren")
        for app in (apps[0] if apps else [])[:MAX_WIDTH]:
            root.append(_node(reader, tuple(app), 1, etree))
    return etree.tostring(root, encoding="unicode")


def accessibility_tree(ctx: "TaskContext", config: dict) -> str:
    """The task desktop's accessibility tree as OSWorld's XML (see module doc). Needs the
    task's own session bus (steps.AccessibilityBus, added by the loader)."""
    address = ctx.env.get("DBUS_SESSION_BUS_ADDRESS")
    if not address:
        raise CheckError("the task has no session bus to read the accessibility tree from")
    return read_tree(address)
