"""Which OSWorld getters and metrics this tool implements, by OSWorld's name.

Entries are 'module:function' inside tasks.osworld, imported only when a task is scored, so
that loading and checking task files never imports document libraries.
"""

from __future__ import annotations

import importlib
from typing import Callable

GETTERS: dict[str, str] = {
    **{n: f"getters.files:{n}" for n in ("vm_file", "cloud_file", "cache_file", "content_from_vm_file",
                                         "list_directory")},
    **{n: f"getters.commands:{n}" for n in ("vm_command_line", "vm_command_error", "vm_terminal_output",
                                            "rule", "vm_screen_size", "vm_window_size")},
    "rules": "getters.commands:rule",
    **{n: f"getters.browser:{n}" for n in (
        "enable_do_not_track", "enable_safe_browsing", "default_search_engine", "profile_name",
        "chrome_font_size", "new_startup_page", "data_delete_automacally", "find_unpacked_extension_path",
        "find_installed_extension_name", "bookmarks", "history", "cookie_data", "open_tabs_info",
        "active_tab_info", "active_url_from_accessTree", "active_tab_url_parse", "url_dashPart")},
    **{n: f"getters.apps:{n}" for n in ("vlc_config", "gimp_config_file", "vscode_config",
                                        "default_video_player")},
    "rule_relativeTime": "getters.dates:rule_relativeTime",
    "accessibility_tree": "getters.a11y:accessibility_tree",
    **{n: f"getters.pages:{n}" for n in ("active_tab_html_parse", "url_path_parse", "page_info",
                                         "pdf_from_url", "info_from_website")},
    **{n: f"getters.slides:{n}" for n in ("audio_in_slide", "background_image_in_slide")},
    **{n: f"getters.desktop:{n}" for n in ("shortcuts_on_desktop", "vm_wallpaper", "vlc_playing_info")},
}
"""Getter type -> implementation."""

_METRIC_MODULES: dict[str, tuple[str, ...]] = {
    "text": ("check_include_exclude", "exact_match", "match_in_list", "is_in_list", "literal_match",
             "fuzzy_match", "diff_text_file", "compare_text_file", "check_csv", "check_list", "file_contains",
             "check_line_number", "compare_python_pure_text", "compare_result_files",
             "compare_terminal_and_txt", "is_in_vm_clickboard"),
    "structured": ("check_json", "check_direct_json_object", "check_json_settings", "check_json_keybindings",
                   "compare_config", "is_extension_installed", "run_sqlite3", "check_gnome_favorite_apps",
                   "is_utc_0", "check_moved_jpgs"),
    "table": ("compare_table", "compare_csv"),
    "docs": ("compare_docx_files", "compare_docx_files_and_ignore_new_lines", "compare_docx_lines",
             "compare_docx_tables", "compare_docx_images", "compare_line_spacing", "contains_page_break",
             "compare_font_names", "compare_subscript_contains", "compare_insert_equation",
             "has_page_numbers_in_footers", "is_first_line_centered", "check_italic_font_size_14",
             "evaluate_strike_through_last_paragraph"),
    "docs_extra": ("check_tabstops", "compare_references", "compare_unique_train_records", "fuzzy_place_math",
                   "find_default_font", "check_highlighted_words", "evaluate_colored_words_in_tables"),
    "slides": ("compare_pptx_files",),
    "files": ("compare_pdfs", "check_pdf_pages", "compare_archive", "compare_zip_files",
              "check_python_file_by_test_suite", "compare_conference_city_in_order"),
    "images": ("compare_images", "check_structure_sim", "check_structure_sim_with_threshold",
               "check_structure_sim_resized", "check_file_exists_and_structure_sim",
               "check_brightness_decrease_and_structure_sim", "check_saturation_increase_and_structure_sim",
               "check_contrast_increase_and_structure_sim", "check_image_mirror",
               "check_palette_and_structure_sim", "check_image_size", "check_image_file_size",
               "check_textbox_on_leftside", "compare_image_list", "check_green_background",
               "check_triangle_position"),
    "apps": ("check_thunderbird_prefs", "check_thunderbird_filter", "check_qt_bgcone", "check_qt_max_volume",
             "check_qt_minimal_view", "check_one_instance_when_started_from_file", "check_play_and_exit",
             "check_global_key_play_pause", "check_qt_slider_colours", "is_vlc_recordings_folder",
             "is_vlc_fullscreen", "check_config_status", "check_thunderbird_folder"),
    "office_settings": ("check_presenter_console_disable", "check_auto_saving_time",
                        "check_slide_orientation_Portrait", "check_transition",
                        "evaluate_presentation_fill_to_rgb_distance"),
    "urls": ("is_expected_active_tab", "is_expected_active_tab_approximate", "is_expected_url_pattern_match",
             "is_expected_tabs", "is_expected_search_query", "is_expected_bookmarks",
             "is_expected_installed_extensions", "is_cookie_deleted", "check_history_deleted",
             "check_font_size"),
    "media": ("compare_audios", "compare_videos", "compare_pdf_images", "check_mp3_meta", "is_vlc_playing"),
    "markup": ("compare_htmls", "compare_epub"),
    "slides_extra": ("check_image_stretch_and_center", "check_page_number_colors"),
    "desktop": ("check_accessibility_tree", "check_left_panel", "is_shortcut_on_desktop", "is_added_to_steam_cart"),
}

METRICS: dict[str, str] = {name: f"metrics.{module}:{name}"
                           for module, names in _METRIC_MODULES.items() for name in names}
"""Metric name -> implementation. `infeasible` is handled by the checker itself."""

SPECIAL_METRICS = ("infeasible",)


def resolve(spec: str) -> Callable:
    """Import 'module:function' relative to tasks.osworld."""
    module, func = spec.split(":")
    return getattr(importlib.import_module(f"{__package__}.{module}"), func)


def metric_problems(name: str, options: dict | None) -> list[str]:
    """Parts of a supported metric's options this tool cannot check, as unsupported entries
    ('metric:compare_table/<rule>'); checked without importing the metric's libraries."""
    if name == "compare_table":
        from .metrics.table import RULES  # light: the module imports openpyxl/pandas lazily

        kinds = {r.get("type") for r in (options or {}).get("rules", []) if isinstance(r, dict)}
        return [f"metric:compare_table/{k}" for k in sorted(kinds - set(RULES), key=str)]
    return []
