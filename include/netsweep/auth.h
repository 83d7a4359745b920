/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Users and sessions of a case, for the analyst server (netsweep serve).
 * Passwords are stored as PBKDF2-HMAC-SHA256 PHC-style strings
 * ("$pbkdf2-sha256$i=600000$<salt b64>$<hash b64>"); session tokens are
 * 32 random bytes of which only the SHA-256 is stored. Logins (good and
 * failed) and logouts are audited with the user as actor.
 */
#ifndef NETSWEEP_AUTH_H
#define NETSWEEP_AUTH_H

#include "netsweep/case.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Roles. Analysts read the case and export referrals; reviewers also
 * reveal media previews and read the audit log; auditors read the case
 * summary and the audit log only. */
typedef enum {
	NSW_ROLE_NONE = 0,
	NSW_ROLE_ANALYST = 1,
	NSW_ROLE_REVIEWER = 2,
	NSW_ROLE_AUDITOR = 3,
} nsw_role;

/** "analyst", "reviewer", "auditor"; "?" otherwise. */
NSW_EXTERN const char *nsw_role_name(nsw_role role);

/** Parse a role name: the role, or NSW_ROLE_NONE. */
NSW_EXTERN nsw_role nsw_role_parse(const char *name);

/** Hex characters of a session token (32 bytes). */
#define NSW_SESSION_TOKEN_HEX 64

/** Who a session belongs to. */
typedef struct nsw_auth_user {
	int64_t user_id;
	char username[65];
	char display_name[129];
	nsw_role role;
	/** Anti-CSRF token for this session (hex SHA-256 of a domain string
	 * and the session token): not derivable without the token. */
	char csrf[NSW_SESSION_TOKEN_HEX + 1];
	char expires_utc[32];
} nsw_auth_user;

/**
 * Add a user. The password is hashed here (slow: ~0.5 s).
 * @param username     1..64 chars of [A-Za-z0-9._-]; borrowed
 * @param display_name NULL: the username
 * @param password     8..1024 bytes; borrowed
 * @return 0; NSW_EINVAL (bad name, role, short password, name taken);
 *         NSW_EIO; NSW_ENOMEM. Audited ("user.add", no secret).
 */
NSW_EXTERN int nsw_user_add(nsw_case *c, const char *username,
			    const char *display_name, nsw_role role,
			    const char *password);

/**
 * Check a password and open a session of `ttl_seconds`.
 * @param token  out: the session token (hex, NUL-terminated); the caller
 *               gives it to the client and keeps no copy
 * @param who    out: the user, with the CSRF token
 * @param remote client address (recorded), may be NULL
 * @return 0; NSW_ENOTFOUND (unknown user, wrong password or disabled: one
 *         code for all, audited "auth.login-failed"); NSW_EINVAL; NSW_EIO
 */
NSW_EXTERN int nsw_auth_login(nsw_case *c,
			      char token[NSW_SESSION_TOKEN_HEX + 1],
			      nsw_auth_user *who, const char *username,
			      const char *password, const char *remote,
			      int64_t ttl_seconds);

/**
 * Look up a live session by its token.
 * @return 0 and *who; NSW_ENOTFOUND (unknown, expired, user disabled);
 *         NSW_EIO
 */
NSW_EXTERN int nsw_auth_session(nsw_case *c, nsw_auth_user *who,
				const char *token);

/** End a session (audited "auth.logout"). NSW_ENOTFOUND if none. */
NSW_EXTERN int nsw_auth_logout(nsw_case *c, const char *token);

/** Number of users in the case (0 or more), or a negative NSW_E*. */
NSW_EXTERN int64_t nsw_user_count(nsw_case *c);

#ifdef __cplusplus
}
#endif
#endif
