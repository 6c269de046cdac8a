"""`qa serve`: the page, on loopback unless --host says otherwise."""

from __future__ import annotations

import argparse

from qa.cli.common import LOOPBACK, UserError, settings_for


def cmd_serve(args: argparse.Namespace) -> int:
    settings = settings_for(args)  # a bad QA_PORT, QA_LOGIN_ATTEMPTS … is a ConfigError here: one line
    if args.host:
        settings.web.host = args.host
    elif settings.web.host not in LOOPBACK:
        raise UserError(f"QA_HOST={settings.web.host} would open the page beyond this machine; "
                        f"say so explicitly with `qa serve --host {settings.web.host}`")
    if args.port:
        settings.web.port = args.port
    from qa.web.app import serve

    serve(settings)
    return 0
