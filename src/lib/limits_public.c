/* SPDX-License-Identifier: Apache-2.0 */
/* Hands the compiled-in limits to programs on the public API. */
#include "limits.h"
#include "netsweep/limits.h"

void nsw_limits_get(nsw_limits *out)
{
	out->http_body_max = NSW_HTTP_BODY_MAX;
	out->http_connections_per_ip = NSW_HTTP_CONNECTIONS_PER_IP;
	out->http_connections_max = NSW_HTTP_CONNECTIONS_MAX;
	out->http_timeout_seconds = NSW_HTTP_TIMEOUT_SECONDS;
	out->http_connection_memory = NSW_HTTP_CONNECTION_MEMORY;
	out->http_threads = NSW_HTTP_THREADS;
}
