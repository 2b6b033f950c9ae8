"""mailwire-proxy's command line (-v, -t, -tq, a bad option) next to nginx 1.22's for the same input."""

import subprocess

import pytest

from proxy_processes import imap_server_block


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)


def as_mailwire(proxy, text):
    """nginx's output with its program name replaced, so both proxies' lines compare equal."""
    return text.replace("nginx:", "mailwire-proxy:") if proxy.kind == "nginx" else text


def write(proxy, tmp_path, name, main_extra=""):
    conf = tmp_path / name
    conf.write_text(proxy.config(tmp_path, imap_server_block(1), main_extra=main_extra))
    return conf


def bad_line(conf):
    return next(number for number, line in enumerate(conf.read_text().splitlines(), 1) if line.startswith("foo"))


def test_version_goes_to_stderr(proxy):
    result = run([proxy.binary, "-v"])
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.startswith(f"{proxy.name} version: ")
    assert len(result.stderr.splitlines()) == 1


def test_t_on_a_good_config(proxy, tmp_path):
    conf = write(proxy, tmp_path, "good.conf")
    result = run(proxy.argv(tmp_path, conf, "-t"))
    assert result.returncode == 0, result.stderr
    assert as_mailwire(proxy, result.stderr).splitlines() == [
        f"mailwire-proxy: the configuration file {conf} syntax is ok",
        f"mailwire-proxy: configuration file {conf} test is successful",
    ]


def test_t_on_a_bad_config_names_the_file_and_line(proxy, tmp_path):
    conf = write(proxy, tmp_path, "bad.conf", main_extra="foo bar;")
    result = run(proxy.argv(tmp_path, conf, "-t"))
    assert result.returncode == 1
    assert as_mailwire(proxy, result.stderr).splitlines() == [
        f'mailwire-proxy: [emerg] unknown directive "foo" in {conf}:{bad_line(conf)}',
        f"mailwire-proxy: configuration file {conf} test failed",
    ]


def test_t_finds_a_relative_config_under_the_prefix(proxy, tmp_path):
    conf = write(proxy, tmp_path, "bad.conf", main_extra="foo bar;")
    argv = proxy.argv(tmp_path, "bad.conf", "-t")
    result = run(argv)
    assert result.returncode == 1
    assert as_mailwire(proxy, result.stderr).splitlines()[0] == (
        f'mailwire-proxy: [emerg] unknown directive "foo" in {conf}:{bad_line(conf)}')


def test_tq_is_quiet_on_success(proxy, tmp_path):
    conf = write(proxy, tmp_path, "good.conf")
    result = run(proxy.argv(tmp_path, conf, "-tq"))
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout == ""


def test_tq_still_reports_errors(proxy, tmp_path):
    conf = write(proxy, tmp_path, "bad.conf", main_extra="foo bar;")
    result = run(proxy.argv(tmp_path, conf, "-t", "-q"))
    assert result.returncode == 1
    assert as_mailwire(proxy, result.stderr).splitlines() == [
        f'mailwire-proxy: [emerg] unknown directive "foo" in {conf}:{bad_line(conf)}',
        f"mailwire-proxy: configuration file {conf} test failed",
    ]


@pytest.mark.parametrize("option,wanted", [("-c", "file name"), ("-e", "file name"), ("-p", "directory name"),
                                           ("-s", "parameter")])
def test_option_without_its_argument(proxy, option, wanted):
    result = run([proxy.binary, option])
    assert result.returncode == 1
    assert as_mailwire(proxy, result.stderr) == f'mailwire-proxy: option "{option}" requires {wanted}\n'


def test_unknown_signal_name(proxy):
    result = run([proxy.binary, "-s", "foo"])
    assert result.returncode == 1
    assert as_mailwire(proxy, result.stderr) == 'mailwire-proxy: invalid option: "-s foo"\n'


def test_t_on_a_missing_config(proxy, tmp_path):
    conf = tmp_path / "missing.conf"
    result = run(proxy.argv(tmp_path, conf, "-t"))
    assert result.returncode == 1
    assert as_mailwire(proxy, result.stderr).splitlines() == [
        f'mailwire-proxy: [emerg] open() "{conf}" failed (2: No such file or directory)',
        f"mailwire-proxy: configuration file {conf} test failed",
    ]


def test_invalid_option(proxy):
    result = run([proxy.binary, "-x"])
    assert result.returncode == 1
    assert as_mailwire(proxy, result.stderr) == 'mailwire-proxy: invalid option: "x"\n'

