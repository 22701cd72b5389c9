#!/usr/bin/env python3
"""Lift CitrineOS v1.8.3's one-connection-per-tenant cap on its OCPP 1.6 server.

In v1.8.3 the websocket server "4" (port 8092, OCPP 1.6) has "maxConnectionsPerTenant": 1, and the check
counts the tenant's connections on every port: a second station (a second 1.6 charge point, or any 2.0.1
station) is closed with code 1013 "Tenant connection limit exceeded". CitrineOS writes its configuration
to citrineos-core/Server/data/config.json on the host at its first start and reads that file at every
later start; environment overrides cannot change the server list. So this script edits that file:

    python3 deploy/citrineos-lift-tenant-cap.py citrineos-core/Server/data/config.json
    (cd citrineos-core/Server && docker compose -p server restart citrine)

It removes "maxConnectionsPerTenant" from the server with id "4" (--server-id for another one) and
changes nothing else; a second run finds nothing to do and leaves the file alone. --check changes
nothing and exits 0 when the server has no cap, 1 when it has one. Any other problem (no such file, not a
CitrineOS configuration, no such server) exits 2 with one line. The file is replaced atomically with the
same mode and, when run as root, the same owner.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

CAP = "maxConnectionsPerTenant"


class Unusable(Exception):
    """The file cannot be checked or changed; the message says why."""


def load(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise Unusable(f"cannot read {path}: {error.strerror}") from error
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise Unusable(f"{path} is not JSON: {error}") from error
    return config


def server(config: dict, path: Path, server_id: str) -> dict:
    """The websocket server with this id in .util.networkConnection.websocketServers."""
    servers = config
    for key in ("util", "networkConnection", "websocketServers"):
        servers = servers.get(key) if isinstance(servers, dict) else None
    if not isinstance(servers, list):
        raise Unusable(f"{path} has no .util.networkConnection.websocketServers list: is it CitrineOS's "
                       "Server/data/config.json, written at its first start?")
    for candidate in servers:
        if isinstance(candidate, dict) and str(candidate.get("id")) == server_id:
            return candidate
    ids = ", ".join(str(s.get("id")) for s in servers if isinstance(s, dict))
    raise Unusable(f"{path} has no websocket server with id \"{server_id}\" (ids: {ids or 'none'})")


def describe(entry: dict) -> str:
    return f"websocket server \"{entry.get('id')}\" (port {entry.get('port')}, {entry.get('protocol')})"


def write(path: Path, config: dict) -> None:
    """Replaces the file atomically, keeping its mode (and its owner, where allowed)."""
    status = path.stat()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(config, out, indent=2, ensure_ascii=False)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, status.st_mode & 0o7777)
        if os.geteuid() == 0:
            os.chown(temporary, status.st_uid, status.st_gid)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Exit status: 0 done (or --check: no cap), 1 --check: capped, "
                                            "2 the file cannot be used.")
    parser.add_argument("config", type=Path, help="CitrineOS's config.json: citrineos-core/Server/data/config.json")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if the cap is set")
    parser.add_argument("--server-id", default="4", help="the websocket server to lift the cap on (default 4)")
    options = parser.parse_args(arguments)
    name = "citrineos-lift-tenant-cap"
    try:
        config = load(options.config)
        entry = server(config, options.config, options.server_id)
        if CAP not in entry:
            print(f"{name}: {describe(entry)} has no {CAP}: nothing to do")
            return 0
        if options.check:
            print(f"{name}: {describe(entry)} has {CAP} {json.dumps(entry[CAP])}: run without --check, "
                  "then restart citrine")
            return 1
        value = entry.pop(CAP)
        write(options.config, config)
    except Unusable as error:
        print(f"{name}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{name}: cannot write {options.config}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"{name}: removed {CAP} {json.dumps(value)} from {describe(entry)}; "
          "now restart citrine: docker compose -p server restart citrine")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
