/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep serve: the analyst workspace (JSON API and web UI) over a case;
 * netsweep user add: the workspace's users. docs/server.md, docs/api.md. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "srv_app.h"

static const char serve_usage[] =
	"usage: netsweep serve --case CASE.nsdb [--listen 127.0.0.1:8080]\n"
	"                      [--referrals DIR] [--sign-key KEY.pem] "
	"[--agency NAME]\n"
	"  Serves the analyst workspace on loopback (JSON API under /api, web\n"
	"  UI at /). Users: netsweep user add. Stop with Ctrl-C.\n"
	"  Referral packages exported from the UI go to DIR/<CC>/ (default:\n"
	"  referrals/ beside the case), signed with KEY when given.\n";

static const char user_usage[] =
	"usage: netsweep user add --case CASE.nsdb --name NAME --role "
	"analyst|reviewer|auditor\n"
	"                         [--display-name TEXT]\n"
	"  The password is read from standard input (one line), or asked for\n"
	"  with echo off when standard input is a terminal; never from the\n"
	"  command line.\n";

static int is_loopback(const char *listen)
{
	return strncmp(listen, "127.", 4) == 0 ||
	       strncmp(listen, "[::1]:", 6) == 0 ||
	       strncmp(listen, "localhost:", 10) == 0;
}

int cli_cmd_serve(int argc, char **argv)
{
	const char *path = NULL, *listen = "127.0.0.1:8080";
	const char *referrals = NULL, *sign_key = NULL, *agency = NULL;
	char *default_referrals = NULL;
	const char *err = NULL;
	srv_daemon *d = NULL;
	nsw_case *c = NULL;
	int64_t users = -1;
	srv_config cfg;
	srv_app app;
	sigset_t set;
	int sig = 0, rc;

	memset(&cfg, 0, sizeof(cfg));

	for (int i = 1; i < argc; i++) {
		int more = i + 1 < argc;

		if (strcmp(argv[i], "--case") == 0 && more) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--listen") == 0 && more) {
			listen = argv[++i];
		} else if (strcmp(argv[i], "--referrals") == 0 && more) {
			referrals = argv[++i];
		} else if (strcmp(argv[i], "--sign-key") == 0 && more) {
			sign_key = argv[++i];
		} else if (strcmp(argv[i], "--agency") == 0 && more) {
			agency = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0) {
			fputs(serve_usage, stdout);
			return CLI_EXIT_OK;
		} else {
			fputs(serve_usage, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (path == NULL) {
		fputs(serve_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if (!is_loopback(listen))
		cli_error("warning: listening on %s, not loopback; the "
			  "workspace has no TLS (docs/server.md)",
			  listen);
	/* One case handle per HTTP worker (docs/server.md). */
	nsw_limits_get(&cfg.limits);
	if (srv_app_open(&app, path, cfg.limits.http_threads) != NSW_OK)
		return cli_fail(path);
	if (referrals == NULL) {
		const char *slash = strrchr(path, '/');
		size_t dl = slash ? (size_t)(slash - path) : 1;
		size_t n = dl + sizeof("/referrals");

		default_referrals = malloc(n);
		if (default_referrals == NULL) {
			srv_app_close(&app);
			return cli_fail("serve");
		}
		snprintf(default_referrals, n, "%.*s/referrals", (int)dl,
			 slash ? path : ".");
		referrals = default_referrals;
	}
	app.referrals_dir = referrals;
	app.sign_key = sign_key;
	app.agency = agency;
	if (srv_app_take(&app, &c) == NSW_OK) {
		users = nsw_user_count(c);
		srv_app_give(&app, c);
	}
	if (users == 0)
		cli_error("warning: the case has no users yet; add one with "
			  "netsweep user add --case %s --name NAME --role "
			  "analyst",
			  path);
	/* Block the stop signals in every thread; wait for them here. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	cfg.listen = listen;
	cfg.routes = srv_app_routes(&cfg.route_count);
	cfg.app = &app;
	rc = srv_start(&d, &cfg, &err);
	if (rc != NSW_OK) {
		cli_error("cannot listen on %s: %s", listen,
			  err ? err : "error");
		srv_app_close(&app);
		free(default_referrals);
		return CLI_EXIT_ERROR;
	}
	printf("netsweep serve: listening on %s, port %u (Ctrl-C to stop)\n",
	       listen, srv_port(d));
	fflush(stdout);
	sigwait(&set, &sig);
	srv_stop(d);
	srv_app_close(&app);
	free(default_referrals);
	return CLI_EXIT_OK;
}

/* One line from stdin; echo off when it is a terminal. */
static int read_password(char *buf, size_t cap)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO);
	size_t n;

	if (tty) {
		fputs("password: ", stderr);
		if (tcgetattr(STDIN_FILENO, &old) != 0)
			return -1;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (fgets(buf, (int)cap, stdin) == NULL)
		buf[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return n ? 0 : -1;
}

int cli_cmd_user(int argc, char **argv)
{
	const char *path = NULL, *name = NULL, *role = NULL, *display = NULL;
	char password[1100];
	nsw_case *c = NULL;
	nsw_role r;
	int rc = CLI_EXIT_OK;

	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		fputs(user_usage, argc > 1 && strcmp(argv[1], "--help") == 0
					  ? stdout
					  : stderr);
		return argc > 1 && strcmp(argv[1], "--help") == 0
			       ? CLI_EXIT_OK
			       : CLI_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		int more = i + 1 < argc;

		if (strcmp(argv[i], "--case") == 0 && more)
			path = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && more)
			name = argv[++i];
		else if (strcmp(argv[i], "--role") == 0 && more)
			role = argv[++i];
		else if (strcmp(argv[i], "--display-name") == 0 && more)
			display = argv[++i];
		else {
			fputs(user_usage, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	r = nsw_role_parse(role);
	if (path == NULL || name == NULL || r == NSW_ROLE_NONE) {
		fputs(user_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if (read_password(password, sizeof(password)) != 0) {
		cli_error("no password given on standard input");
		return CLI_EXIT_USAGE;
	}
	if (nsw_case_open(&c, path, 0) != NSW_OK) {
		rc = cli_fail(path);
		goto done;
	}
	if (nsw_user_add(c, name, display, r, password) != NSW_OK) {
		rc = cli_fail("user add");
		goto done;
	}
	printf("user %s added (%s)\n", name, nsw_role_name(r));
done:
	memset(password, 0, sizeof(password));
	nsw_case_close(c);
	return rc;
}
