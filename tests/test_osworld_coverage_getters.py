"""The getters added for coverage: page reads in a real chromium, media inside real decks,
desktop shortcuts, the wallpaper setting, VLC's web status, shop-URL filters."""

from __future__ import annotations

import base64
import io
import shutil
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tasks.osworld.getters.desktop import shortcuts_on_desktop, vlc_playing_info, vm_wallpaper
from tasks.osworld.getters.pages import product_filters
from tasks.osworld.getters.slides import audio_in_slide, background_image_in_slide
from tests.doubles.file_server import FileServer
from tests.helpers.osworld import make_ctx

PAGE = b"""<html><head><title>Flights</title></head><body>
<div class="date"> Wed, Dec 02, 2026 </div>
<div class="route">SEA<div class="sep"></div>NYC</div>
<span class="tab">One</span><span class="tab"> Two </span>
<ul class="crumbs"><li class="catAllProducts"><span>Toys</span></li>
<li class="catAllProducts"><span>Kids</span></li></ul>
<div class="chip">Black</div><div class="chip">On sale</div><div class="chip">Large</div>
<div class="appt"><h3>Pass renewal</h3></div><div class="appt"><h3>10:15 AM</h3></div>
<form><input name="who" value=" James Smith "></form>
<a class="filter-selector-link">Women</a><a class="filter-selector-link">Nike</a>
</body></html>"""


@pytest.fixture
def site():
    with FileServer({}, default=PAGE, content_type="text/html") as server:
        yield server.url


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("chromium"), reason="needs chromium (apt-get install chromium)")
def test_html_parse_reads_the_active_tab_in_a_real_browser(tmp_path, xvfb_display, site):
    from tasks.osworld.getters.pages import active_tab_html_parse
    from tasks.osworld.steps import ChromeOpenTabs, Launch, PrepareHome

    ctx = make_ctx(tmp_path, xvfb_display)
    try:
        PrepareHome().run(ctx)
        Launch({"command": ["google-chrome"]}).run(ctx)
        url = f"{site}/shop/women/nike?filter=over%20$60"
        ChromeOpenTabs({"urls_to_open": [url]}).run(ctx)
        deadline = time.monotonic() + 20
        got = {}
        config = {"category": "class", "class_singleObject": {"date": "time", "missing": "gone"},
                  "class_multiObject": {"tab": {"0": "first", "1": "second", "5": "sixth"}},
                  "class_multiObject_child": {"route": {"0": "start", "1": "end"}},
                  "class_multiObject_only_child": {"appt": {"0": "content", "1": "at"}},
                  "class_multiObject_search_exist": {"chip": ["Black", "On sale", "Red", "is_other_exist"]}}
        while time.monotonic() < deadline and got.get("time") != "Wed, Dec 02, 2026":
            got = active_tab_html_parse(ctx, config) or {}
            time.sleep(0.3)
        assert got == {"time": "Wed, Dec 02, 2026", "gone": "", "first": "One", "second": "Two", "sixth": "",
                       "start": "SEA", "end": "NYC", "content": "Pass renewal", "at": "10:15 AM",
                       "Black": True, "On sale": True, "Red": False, "is_other_exist": True}
        assert active_tab_html_parse(ctx, {"category": "xpath", "xpathObject": {
            "/html/body/div[1]": "time", "//nothing": "none"}}) == {"time": "Wed, Dec 02, 2026", "none": ""}
        assert active_tab_html_parse(ctx, {"category": "input", "inputObject": {"//input[@name='who']": "name"}}) \
            == {"name": "James Smith"}
        assert active_tab_html_parse(ctx, {
            "category": "class&url", "class_multiObject": {"filter-selector-link": ["women", "nike"]},
            "class_multiObject_li": {"crumbs": ["Toys", "Kids", "Spider-Man"]},
            "url_include_expected": ["women", "over $60", "filter=over%20$60", "adidas"]}) == \
            {"women": True, "nike": True, "is_other_exist": False, "toys": True, "kids": True,
             # the URL is searched as the browser holds it, percent-encoded (as in OSWorld)
             "over $60": False, "filter=over%20$60": True, "adidas": False}
    finally:
        ctx.close()


def test_shop_url_filters():
    url = ("https://www.macys.com/shop/mens-clothing/shop-all-mens-clothing/Men_regular_size_t,"
           "Price_discount_range,Product_department,Sleeve_length/L,50_PERCENT_%20off%20%26%20more,"
           "T-shirts,Short%20Sleeve?id=1")
    keys = ["mens_clothing", "shirts", "Men_regular_size_t", "Price_discount_range", "short_sleeve"]
    assert product_filters(url, keys) == {"mens_clothing": True, "shirts": True, "short_sleeve": True,
                                          "Men_regular_size_t": "L", "Price_discount_range": "50_PERCENT_ off & more"}
    two = url.replace("50_PERCENT_%20off%20%26%20more", "50_PERCENT_%20off%20%26%20more|30_PERCENT_%20off%20%26%20more")
    assert product_filters(two, keys)["Price_discount_range"] == "not_50_PERCENT_ off & more"
    assert product_filters("https://www.macys.com/shop/womens", keys) == {
        "mens_clothing": None, "shirts": None, "short_sleeve": None, "Men_regular_size_t": None,
        "Price_discount_range": "not_50_PERCENT_ off & more"}


def _wav_bytes() -> bytes:
    import numpy as np
    import soundfile

    buf = io.BytesIO()
    soundfile.write(buf, np.zeros(2205, np.float32), 22050, format="WAV")
    return buf.getvalue()


def _deck_with_media(path: Path, linked_audio: str | None = None) -> Path:
    """A deck made by python-pptx whose first slide plays an audio (embedded, or linked to
    `linked_audio`) and whose second slide has a picture background, wired as LibreOffice does."""
    from pptx import Presentation

    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[6])
    prs.slides.add_slide(prs.slide_layouts[6])
    prs.save(path)
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (16, 9), "green").save(picture, "PNG")
    audio_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/audio"
    image_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
    target = f"file://{linked_audio}" if linked_audio else "../media/media1.wav"
    mode = ' TargetMode="External"' if linked_audio else ""
    out = path.with_suffix(".media.pptx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "ppt/slides/_rels/slide1.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdA" Type="{audio_rel}" '
                                    f'Target="{target}"{mode}/></Relationships>'.encode())
            if item.filename == "ppt/slides/_rels/slide2.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdB" Type="{image_rel}" '
                                    'Target="../media/image1.png"/></Relationships>'.encode())
            if item.filename == "ppt/slides/slide2.xml":
                data = data.replace(b"<p:cSld>", b'<p:cSld><p:bg><p:bgPr><a:blipFill><a:blip r:embed="rIdB"/>'
                                    b"</a:blipFill><a:effectLst/></p:bgPr></p:bg>")
            dst.writestr(item, data)
        if not linked_audio:
            dst.writestr("ppt/media/media1.wav", _wav_bytes())
        dst.writestr("ppt/media/image1.png", picture.getvalue())
    return out


def test_audio_and_background_of_a_slide(tmp_path):
    ctx = make_ctx(tmp_path)
    home = Path(ctx.env["HOME"])
    deck = _deck_with_media(home / "Talk.pptx")
    got = audio_in_slide(ctx, {"ppt_file_path": f"/home/user/{deck.name}", "slide_index": 0, "dest": "a.wav"})
    assert Path(got).read_bytes() == _wav_bytes()
    assert audio_in_slide(ctx, {"ppt_file_path": f"/home/user/{deck.name}", "slide_index": 1, "dest": "b.wav"}) is None
    image = background_image_in_slide(ctx, {"ppt_file_path": f"/home/user/{deck.name}", "slide_index": 1,
                                            "dest": "bg.png"})
    from PIL import Image

    assert Image.open(image).size == (16, 9)
    assert background_image_in_slide(ctx, {"ppt_file_path": f"/home/user/{deck.name}", "slide_index": 0,
                                           "dest": "none.png"}) is None
    assert audio_in_slide(ctx, {"ppt_file_path": "/home/user/absent.pptx", "slide_index": 0, "dest": "x"}) is None


def test_linked_audio_is_fetched_from_the_task_world(tmp_path):
    ctx = make_ctx(tmp_path)
    home = Path(ctx.env["HOME"])
    (home / "Music").mkdir()
    (home / "Music" / "song.wav").write_bytes(_wav_bytes())
    deck = _deck_with_media(home / "Linked.pptx", linked_audio=f"{home}/Music/song.wav")
    got = audio_in_slide(ctx, {"ppt_file_path": f"/home/user/{deck.name}", "slide_index": 0, "dest": "l.wav"})
    assert Path(got).name == "l.wav" and Path(got).read_bytes() == _wav_bytes()


def test_desktop_shortcuts(tmp_path):
    ctx = make_ctx(tmp_path)
    assert shortcuts_on_desktop(ctx, {}) == {}
    desktop = Path(ctx.env["HOME"]) / "Desktop"
    desktop.mkdir()
    (desktop / "game.desktop").write_text("[Desktop Entry]\nName=2048\n")
    (desktop / "notes.txt").write_text("not a shortcut")
    assert shortcuts_on_desktop(ctx, {}) == {"game.desktop": "[Desktop Entry]\nName=2048\n"}


@pytest.mark.skipif(not shutil.which("gsettings"), reason="needs gsettings (libglib2.0-bin)")
def test_wallpaper_follows_the_gnome_setting(tmp_path):
    """gsettings in the task's environment, with its own keyfile backend under the task HOME."""
    ctx = make_ctx(tmp_path)
    ctx.env["GSETTINGS_BACKEND"] = "keyfile"
    picture = Path(ctx.env["HOME"]) / "Pictures" / "my wall.png"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(b"\x89PNG fake")
    import subprocess

    def set_uri(uri):
        subprocess.run(["gsettings", "set", "org.gnome.desktop.background", "picture-uri", uri], env=ctx.env,
                       check=True)

    set_uri((picture.parent / "gone.png").as_uri())
    assert Path(vm_wallpaper(ctx, {"dest": "none.png"})).read_bytes() == b""  # as OSWorld: an empty file
    set_uri(picture.as_uri())
    assert Path(vm_wallpaper(ctx, {"dest": "wall.png"})).read_bytes() == b"\x89PNG fake"


def test_vlc_status_comes_from_its_web_interface_with_the_password(tmp_path):
    """VLC's web interface stood in for by a loopback server that checks the same password."""
    seen = []

    class Status(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers.get("Authorization")))
            ok = self.headers.get("Authorization") == "Basic " + base64.b64encode(b":password").decode()
            self.send_response(200 if ok else 401)
            self.end_headers()
            self.wfile.write(b"<root><state>playing</state></root>" if ok else b"")

        def log_message(self, *args):
            pass

    ctx = make_ctx(tmp_path)
    assert vlc_playing_info(ctx, {"dest": "none.xml"}) is None  # nothing listens yet
    server = ThreadingHTTPServer(("127.0.0.1", 0), Status)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ctx.extra["vlc_http_port"] = server.server_address[1]
        got = vlc_playing_info(ctx, {"dest": "status.xml"})
    finally:
        server.shutdown()
        server.server_close()
    assert Path(got).read_bytes() == b"<root><state>playing</state></root>"
    assert seen[-1][0] == "/requests/status.xml"
