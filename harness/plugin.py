"""pytest plugin: options, collection of scenario YAML files (one test item per file), and failure output.

Loaded by scenarios/conftest.py, or with `-p harness.plugin` from the repository root.
A .yaml file is collected when it lies under a folder named `scenarios` or is named on the command line.
"""

import os
from pathlib import Path

import pytest

from .certs import CertificateFolder
from .proxies import CommandProxy, make_proxy
from .report import render_failure
from .runner import REPO_ROOT, RUNS_ROOT, display_path, fake_binary_for, run_scenario
from .external import ExternalError, ExternalProxy, load_external
from .scenario import MARKERS, ScenarioError, load_scenario, markers_of
from .trace import Recorder, save_run


class ScenarioFailed(Exception):
    """A run whose legs differ from the scenario; the message is the full side-by-side report."""


def pytest_addoption(parser):
    group = parser.getgroup("mailwire", "mailwire scenarios")
    group.addoption("--proxy", default="reference",
                    help="proxy under test: reference, nginx, or a command template with {conf}, {prefix}, "
                         "{errlog} that runs in the foreground (default: reference)")
    group.addoption("--proxy-cmd", default=None,
                    help="a command template for the proxy under test (same as a command given to --proxy)")
    group.addoption("--build-dir", default=str(REPO_ROOT / "build"),
                    help="CMake build folder holding reference/mailwire-proxy and fakes/mailwire-fake "
                         "(default: <repo>/build)")
    group.addoption("--fake-binary", default=None,
                    help="mailwire-fake to use (default: <build-dir>/fakes/mailwire-fake)")
    group.addoption("--nginx-binary", default="/usr/sbin/nginx", help="nginx binary (default: /usr/sbin/nginx)")
    group.addoption("--keep-runs", action="store_true", default=False,
                    help=f"keep each run's scratch folder (under {RUNS_ROOT})")
    group.addoption("--external", default=None, metavar="FILE",
                    help="with --proxy external: the YAML file naming the running proxy's deployed configs and "
                         "the fixed ports of the fakes (docs/verify-your-proxy.md)")
    group.addoption("--error-log", default=None, metavar="FILE",
                    help="with --proxy external: the running proxy's error log, read for `log:` checks "
                         "(overrides the external file's error_log)")
    group.addoption("--certs-dir", default=None,
                    help="the ${certs} folder: generated there on first use unless complete already, and kept "
                         f"(default: {RUNS_ROOT}/certs-<pid>, removed at the end unless --keep-runs)")
    group.addoption("--trace-dir", default=None,
                    help="record every run's wire trace and legs as JSON there (for the HTML report)")


class _Settings:
    """What every scenario item of a session needs, built once from the options."""

    def __init__(self, config):
        option = config.option
        build_dir = Path(option.build_dir).resolve()
        external_certs = None
        if option.proxy_cmd:
            self.proxy = CommandProxy(option.proxy_cmd)
        elif option.proxy == "external":
            if not option.external:
                raise pytest.UsageError("--proxy external needs --external FILE (docs/verify-your-proxy.md)")
            try:
                self.proxy = ExternalProxy(load_external(option.external), option.error_log)
            except ExternalError as error:
                raise pytest.UsageError(str(error)) from None
            external_certs = self.proxy.setup.certs
        else:
            self.proxy = make_proxy(option.proxy, build_dir, option.nginx_binary)
        self.fake_binary = Path(option.fake_binary).resolve() if option.fake_binary else fake_binary_for(build_dir)
        self.keep_runs = option.keep_runs
        # One set of test certificates per session, made when the first scenario that uses ${certs} runs.
        if external_certs is not None:  # the folder the running proxy's config names
            self.certs = CertificateFolder(external_certs, keep=True)
        elif option.certs_dir:
            self.certs = CertificateFolder(Path(option.certs_dir).resolve(), keep=True)
        else:
            self.certs = CertificateFolder(RUNS_ROOT / f"certs-{os.getpid()}", keep=option.keep_runs)


_SETTINGS_KEY = pytest.StashKey[_Settings]()


def _settings(config):
    if _SETTINGS_KEY not in config.stash:
        config.stash[_SETTINGS_KEY] = _Settings(config)
    return config.stash[_SETTINGS_KEY]


def _named_on_command_line(file_path, config):
    """The file, or a folder holding it, was given as an argument (a user's own scenario folder)."""
    base = Path(config.invocation_params.dir)
    target = file_path.resolve()
    for arg in config.args:
        candidate = (base / Path(arg.split("::", 1)[0])).resolve()
        if candidate == target or (candidate.is_dir() and candidate in target.parents):
            return True
    return False


def pytest_configure(config):
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    if config.option.proxy == "external" and not config.option.proxy_cmd:
        _settings(config)  # a bad --external file stops the session here, with its message


def pytest_unconfigure(config):
    if _SETTINGS_KEY in config.stash:
        config.stash[_SETTINGS_KEY].certs.cleanup()


def pytest_collect_file(file_path, parent):
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    if "scenarios" not in file_path.resolve().parent.parts and not _named_on_command_line(file_path, parent.config):
        return None
    return ScenarioItem.from_parent(parent, name=file_path.name, path=file_path,
                                    nodeid=display_path(file_path))


def pytest_collection_modifyitems(config, items):
    """Scenarios whose `needs:` the proxy under test lacks are skipped, with the reason at the file."""
    proxy = _settings(config).proxy
    for item in items:
        if isinstance(item, ScenarioItem) and item.scenario and item.scenario.needs:
            reason = item.scenario.unmet_need(proxy.kind, proxy.version())
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))
        if isinstance(item, ScenarioItem) and item.scenario and isinstance(proxy, ExternalProxy):
            reason = proxy.unmet_reason(item.scenario)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


class ScenarioItem(pytest.Item):
    """One scenario file. A file that does not validate becomes a failing item naming file and line."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scenario = None
        self.load_error = None
        try:
            self.scenario = load_scenario(self.path)
        except ScenarioError as error:
            self.load_error = error
        for marker in markers_of(self.scenario) if self.scenario else []:
            self.add_marker(marker)  # `-m smtp`, `-m "starttls and not fault"`: selected before collection ends

    def runtest(self):
        if self.load_error:
            raise self.load_error
        settings = _settings(self.config)
        trace_dir = self.config.option.trace_dir
        result = run_scenario(self.scenario, settings.proxy, settings.fake_binary, keep_runs=settings.keep_runs,
                              certs=settings.certs, recorder=Recorder() if trace_dir else None)
        if trace_dir:
            save_run(result, trace_dir)
        if not result.ok:
            raise ScenarioFailed(render_failure(result))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (ScenarioFailed, ScenarioError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        title = self.scenario.title if self.scenario else "(invalid scenario)"
        return self.path, 0, f"{self.nodeid}: {title}"
