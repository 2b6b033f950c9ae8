"""A full IMAP login through the proxy (master process, 2 workers) to mailwire-fake's auth and IMAP servers."""

from proxy_processes import free_port, imap_server_block, wait_until


def start_fake(processes, fake_binary, tmp_path, kind, *extra):
    port_file = tmp_path / f"{kind}.port"
    processes.start([str(fake_binary), kind, "--listen", "127.0.0.1:0", "--port-file", str(port_file), *extra],
                    tmp_path, f"fake-{kind}")

    def port():
        try:
            text = port_file.read_text()
        except OSError:
            return None
        return int(text) if text.endswith("\n") and text.strip().isdigit() else None

    return wait_until(port, f"the {kind} fake's port file")


def test_login_through_master_with_two_workers(proxy, start_proxy, processes, fake_binary, tmp_path, clients):
    imap_port = start_fake(processes, fake_binary, tmp_path, "imap")
    auth_port = start_fake(processes, fake_binary, tmp_path, "auth", "--backend", f"127.0.0.1:{imap_port}")
    port = free_port()
    running = start_proxy(proxy, imap_server_block(port, auth_port=auth_port), port=port, master=True, workers=2)
    for _ in range(4):  # a few sessions, so both workers are likely to serve one
        client = clients(running.port)
        assert client.line() == b"* OK IMAP4 ready"
        assert client.command("a1 LOGIN good secret") == [b"a1 OK LOGIN completed"]
        assert client.command("a2 SELECT INBOX") == [b"a2 OK SELECT completed"]
        assert client.command("a3 LOGOUT") == [b"* BYE mailwire-fake logging out", b"a3 OK LOGOUT completed"]
        assert client.at_eof()
    bad = clients(running.port)
    assert bad.line() == b"* OK IMAP4 ready"
    lines = bad.command("b1 LOGIN bad wrong")
    assert lines[-1].startswith(b"b1 NO ")
