/* SPDX-License-Identifier: Apache-2.0 */
/* Unify media items by PDQ near-match: union-find over all pairs within a
 * Hamming threshold (brute force; the index replaces it at scale). */
#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/network.h"

static uint32_t find_root(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]]; /* path halving */
		x = parent[x];
	}
	return x;
}

int nsw_net_cluster_pdq(uint32_t *cluster, size_t *n_clusters,
			const nsw_pdq_hash *hashes, size_t n, int threshold)
{
	size_t i, j, count = 0;

	if (n_clusters != NULL)
		*n_clusters = 0;
	if (n > 0 && (cluster == NULL || hashes == NULL))
		return nsw_error_set(NSW_EINVAL, "pdq clustering: NULL array");
	if (threshold < 0 || threshold > NSW_PDQ_BITS)
		return nsw_error_set(NSW_EINVAL,
				     "pdq clustering: threshold %d not in "
				     "0..256",
				     threshold);
	if (n > NSW_NET_PDQ_CLUSTER_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "pdq clustering: %zu hashes, over the "
				     "brute-force limit of %zu",
				     n, NSW_NET_PDQ_CLUSTER_MAX);
	for (i = 0; i < n; i++)
		cluster[i] = (uint32_t)i;
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			uint32_t ri, rj;

			if (nsw_pdq_distance(&hashes[i], &hashes[j]) >
			    threshold)
				continue;
			ri = find_root(cluster, (uint32_t)i);
			rj = find_root(cluster, (uint32_t)j);
			/* The smaller index is the root: the representative
			 * is the first member, whatever the merge order. */
			if (ri < rj)
				cluster[rj] = ri;
			else if (rj < ri)
				cluster[ri] = rj;
		}
	}
	for (i = 0; i < n; i++) {
		cluster[i] = find_root(cluster, (uint32_t)i);
		if (cluster[i] == i)
			count++;
	}
	if (n_clusters != NULL)
		*n_clusters = count;
	return 0;
}
