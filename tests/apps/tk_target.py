"""A small Tk app the tests drive: buttons that log clicks, an entry that logs what was typed.

Usage: python tk_target.py LOGFILE [WIDTHxHEIGHT]
Every event is appended to LOGFILE as one JSON line, so a checker can read what really
happened in the app. The window fills the screen at (0, 0) so tests know where things are.
"""

import json
import sys
import tkinter as tk

log_path = sys.argv[1]
size = sys.argv[2] if len(sys.argv) > 2 else "1280x800"


def log(**event):
    with open(log_path, "a", encoding="utf-8") as f:
        f.write(json.dumps(event, ensure_ascii=False) + "\n")


root = tk.Tk()
root.title("gui-agent target")
root.geometry(f"{size}+0+0")
root.configure(bg="white")

# Two targets far apart so a coordinate mistake hits the wrong one or nothing.
ok = tk.Button(root, text="OK", bg="#2a7", fg="white", font=("DejaVu Sans", 24),
               command=lambda: log(event="click", target="ok"))
ok.place(x=100, y=100, width=200, height=80)
cancel = tk.Button(root, text="Cancel", bg="#c33", fg="white", font=("DejaVu Sans", 24),
                   command=lambda: log(event="click", target="cancel"))
cancel.place(relx=1.0, rely=1.0, x=-300, y=-180, width=200, height=80, anchor="nw")

entry = tk.Entry(root, font=("DejaVu Sans", 20))
entry.place(x=100, y=300, width=700, height=50)
entry.bind("<Return>", lambda e: log(event="submit", text=entry.get()))

# A pad that logs where a press starts and ends (screen pixels): drags are seen exactly.
pad = tk.Canvas(root, bg="#ddd", highlightthickness=0)
pad.place(x=900, y=100, width=300, height=300)
pad.bind("<ButtonPress-1>", lambda e: log(event="press", x=e.x_root, y=e.y_root))
pad.bind("<ButtonRelease-1>", lambda e: log(event="release", x=e.x_root, y=e.y_root))

root.after(100, lambda: log(event="ready", width=root.winfo_width(), height=root.winfo_height()))
root.mainloop()
