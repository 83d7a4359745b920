/* SPDX-License-Identifier: Apache-2.0 */
/* The one libmaxminddb wrapper: IP address -> country. */
#include <errno.h>
#include <string.h>

#include <maxminddb.h>

#include "alloc.h"
#include "error.h"
#include "netsweep/geoip.h"

struct nsw_geoip {
	MMDB_s mmdb;
	char *path;
};

int nsw_geoip_open(nsw_geoip **out, const char *path)
{
	nsw_geoip *db = NULL;
	int status;

	*out = NULL;
	db = nsw__calloc(1, sizeof(*db));
	if (db == NULL || (db->path = nsw__strdup(path)) == NULL) {
		nsw__free(db);
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	}
	status = MMDB_open(path, MMDB_MODE_MMAP, &db->mmdb);
	if (status != MMDB_SUCCESS) {
		int code = NSW_EFORMAT;

		if (status == MMDB_FILE_OPEN_ERROR)
			code = errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO;
		else if (status == MMDB_IO_ERROR)
			code = NSW_EIO;
		else if (status == MMDB_OUT_OF_MEMORY_ERROR)
			code = NSW_ENOMEM;
		nsw__free(db->path);
		nsw__free(db);
		return nsw_error_set(code, "%s: %s", path,
				     MMDB_strerror(status));
	}
	*out = db;
	return 0;
}

int nsw_geoip_country(char country[3], nsw_geoip *db, const char *ip)
{
	MMDB_lookup_result_s res;
	MMDB_entry_data_s data;
	int gai = 0, status = 0;

	country[0] = '\0';
	res = MMDB_lookup_string(&db->mmdb, ip, &gai, &status);
	if (gai != 0)
		return nsw_error_set(NSW_EINVAL, "'%s' is not an IP address",
				     ip);
	if (status != MMDB_SUCCESS)
		return nsw_error_set(NSW_EFORMAT, "%s: lookup of %s: %s",
				     db->path, ip, MMDB_strerror(status));
	if (!res.found_entry)
		return nsw_error_set(NSW_ENOTFOUND, "%s: %s not in database",
				     db->path, ip);
	/* Country databases record country; City ones too. Some test and
	 * ISP databases carry only registered_country: accept it second. */
	status = MMDB_get_value(&res.entry, &data, "country", "iso_code", NULL);
	if (status != MMDB_SUCCESS || !data.has_data)
		status = MMDB_get_value(&res.entry, &data, "registered_country",
					"iso_code", NULL);
	if (status != MMDB_SUCCESS &&
	    status != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR)
		return nsw_error_set(NSW_EFORMAT, "%s: record for %s: %s",
				     db->path, ip, MMDB_strerror(status));
	if (status != MMDB_SUCCESS || !data.has_data ||
	    data.type != MMDB_DATA_TYPE_UTF8_STRING || data.data_size != 2)
		return nsw_error_set(NSW_ENOTFOUND,
				     "%s: no country recorded for %s", db->path,
				     ip);
	memcpy(country, data.utf8_string, 2);
	country[2] = '\0';
	return 0;
}

const char *nsw_geoip_type(const nsw_geoip *db)
{
	return db->mmdb.metadata.database_type ? db->mmdb.metadata.database_type
					       : "";
}

void nsw_geoip_free(nsw_geoip *db)
{
	if (db == NULL)
		return;
	MMDB_close(&db->mmdb);
	nsw__free(db->path);
	nsw__free(db);
}
