"""A proxy built with sanitizers fails its scenario when it reports an error, whatever the wire said."""

import selftest_paths  # noqa: F401  (puts the repo root on sys.path)

from harness.runner import sanitizer_report


def test_clean_stderr_has_no_report():
    assert sanitizer_report("") is None
    assert sanitizer_report("mailwire-proxy: [emerg] unknown directive \"x\"\n") is None


def test_address_sanitizer_report_is_cut_from_its_first_line():
    text = "noise\n==123==ERROR: AddressSanitizer: heap-use-after-free on address 0x1\n    #0 0x1 in f\n"
    report = sanitizer_report(text)
    assert report.startswith("ERROR: AddressSanitizer: heap-use-after-free")
    assert "#0 0x1 in f" in report


def test_leaks_and_undefined_behaviour_count_too():
    assert sanitizer_report("==9==ERROR: LeakSanitizer: detected memory leaks\n")
    assert sanitizer_report("Session.cpp:12:5: runtime error: signed integer overflow\n")


def test_long_reports_are_capped():
    text = "==1==ERROR: AddressSanitizer: x\n" + "frame\n" * 500
    assert len(sanitizer_report(text).splitlines()) == 60
