/* SPDX-License-Identifier: Apache-2.0 */
/* The bounded queue between the scan's walker, workers and writer. */
#include <errno.h>
#include <time.h>

#include "alloc.h"
#include "error.h"
#include "scan_queue.h"

int nsw_scan_queue__init(nsw_scan_queue *q, size_t cap)
{
	pthread_condattr_t attr;

	q->head = q->tail = NULL;
	q->count = 0;
	q->cap = cap > 0 ? cap : 1;
	q->closed = q->cancelled = 0;
	q->members = q->members_tail = NULL;
	q->member_bytes = q->member_peak = 0;
	q->busy = 0;
	if (pthread_mutex_init(&q->lock, NULL) != 0)
		return nsw_error_set(NSW_ENOMEM, "scan: cannot make a mutex");
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (pthread_cond_init(&q->not_empty, &attr) != 0) {
		pthread_condattr_destroy(&attr);
		pthread_mutex_destroy(&q->lock);
		return nsw_error_set(NSW_ENOMEM, "scan: cannot make a condvar");
	}
	if (pthread_cond_init(&q->not_full, &attr) != 0) {
		pthread_condattr_destroy(&attr);
		pthread_cond_destroy(&q->not_empty);
		pthread_mutex_destroy(&q->lock);
		return nsw_error_set(NSW_ENOMEM, "scan: cannot make a condvar");
	}
	if (pthread_cond_init(&q->members_moved, &attr) != 0) {
		pthread_condattr_destroy(&attr);
		pthread_cond_destroy(&q->not_empty);
		pthread_cond_destroy(&q->not_full);
		pthread_mutex_destroy(&q->lock);
		return nsw_error_set(NSW_ENOMEM, "scan: cannot make a condvar");
	}
	pthread_condattr_destroy(&attr);
	return NSW_OK;
}

void nsw_scan_queue__destroy(nsw_scan_queue *q)
{
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	pthread_cond_destroy(&q->members_moved);
	pthread_mutex_destroy(&q->lock);
}

int nsw_scan_queue__push(nsw_scan_queue *q, nsw_scan_job *job)
{
	pthread_mutex_lock(&q->lock);
	while (q->count >= q->cap && !q->cancelled)
		pthread_cond_wait(&q->not_full, &q->lock);
	if (q->cancelled) {
		pthread_mutex_unlock(&q->lock);
		return -1;
	}
	job->next = NULL;
	if (q->tail != NULL)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	q->count++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

static nsw_scan_job *take(nsw_scan_queue *q)
{
	nsw_scan_job *job = q->head;

	q->head = job->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->count--;
	job->next = NULL;
	pthread_cond_signal(&q->not_full);
	return job;
}

static nsw_scan_job *take_member(nsw_scan_queue *q)
{
	nsw_scan_job *job = q->members;

	q->members = job->next;
	if (q->members == NULL)
		q->members_tail = NULL;
	job->next = NULL;
	return job;
}

nsw_scan_job *nsw_scan_queue__pop(nsw_scan_queue *q)
{
	nsw_scan_job *job = NULL;

	pthread_mutex_lock(&q->lock);
	/* Members are pushed after close() too: their archive is still
	 * being read (its reader runs what is left when others are gone). */
	while (q->count == 0 && q->members == NULL &&
	       (!q->closed || q->busy > 0) && !q->cancelled)
		pthread_cond_wait(&q->not_empty, &q->lock);
	if (!q->cancelled && q->members != NULL) {
		job = take_member(q);
	} else if (!q->cancelled && q->count > 0) {
		job = take(q);
		q->busy++;
	}
	pthread_mutex_unlock(&q->lock);
	return job;
}

nsw_scan_job *nsw_scan_queue__pop_wait(nsw_scan_queue *q, int ms,
				       int *timed_out)
{
	nsw_scan_job *job = NULL;
	struct timespec until;

	*timed_out = 0;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->closed && !q->cancelled) {
		if (pthread_cond_timedwait(&q->not_empty, &q->lock, &until) ==
		    ETIMEDOUT) {
			*timed_out = q->count == 0;
			break;
		}
	}
	if (!q->cancelled && q->count > 0)
		job = take(q);
	pthread_mutex_unlock(&q->lock);
	return job;
}

void nsw_scan_queue__job_done(nsw_scan_queue *q)
{
	pthread_mutex_lock(&q->lock);
	if (q->busy > 0)
		q->busy--;
	if (q->busy == 0)
		pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

void nsw_scan_queue__close(nsw_scan_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = 1;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

void nsw_scan_queue__cancel(nsw_scan_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->cancelled = 1;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_cond_broadcast(&q->members_moved);
	pthread_mutex_unlock(&q->lock);
}

int nsw_scan_queue__reserve(nsw_scan_queue *q, uint64_t bytes, uint64_t max,
			    nsw_scan_job **help)
{
	int rc = 0;

	*help = NULL;
	pthread_mutex_lock(&q->lock);
	/* Bytes in flight belong to queued member jobs (the caller takes
	 * one) or to jobs a worker is hashing from memory, which ends
	 * without waiting on anything but the writer: this wait ends. */
	while (!q->cancelled && q->member_bytes > 0 &&
	       (q->member_bytes + bytes > max ||
		q->member_bytes + bytes < bytes)) {
		if (q->members != NULL) {
			*help = take_member(q);
			break;
		}
		pthread_cond_wait(&q->members_moved, &q->lock);
	}
	if (*help != NULL) {
		rc = 1;
	} else if (q->cancelled) {
		rc = -1;
	} else {
		q->member_bytes += bytes;
		if (q->member_bytes > q->member_peak)
			q->member_peak = q->member_bytes;
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

void nsw_scan_queue__push_member(nsw_scan_queue *q, nsw_scan_job *job)
{
	pthread_mutex_lock(&q->lock);
	job->next = NULL;
	if (q->members_tail != NULL)
		q->members_tail->next = job;
	else
		q->members = job;
	q->members_tail = job;
	(*job->member->outstanding)++;
	pthread_cond_signal(&q->not_empty);
	pthread_cond_broadcast(&q->members_moved);
	pthread_mutex_unlock(&q->lock);
}

void nsw_scan_queue__member_done(nsw_scan_queue *q, size_t *outstanding,
				 uint64_t bytes)
{
	pthread_mutex_lock(&q->lock);
	q->member_bytes -= bytes < q->member_bytes ? bytes : q->member_bytes;
	if (outstanding != NULL && *outstanding > 0)
		(*outstanding)--;
	pthread_cond_broadcast(&q->members_moved);
	pthread_mutex_unlock(&q->lock);
}

nsw_scan_job *nsw_scan_queue__members_wait(nsw_scan_queue *q,
					   size_t *outstanding)
{
	nsw_scan_job *job = NULL;

	pthread_mutex_lock(&q->lock);
	while (*outstanding > 0 && q->members == NULL)
		pthread_cond_wait(&q->members_moved, &q->lock);
	if (*outstanding > 0)
		job = take_member(q);
	pthread_mutex_unlock(&q->lock);
	return job;
}

uint64_t nsw_scan_queue__member_peak(nsw_scan_queue *q)
{
	uint64_t peak;

	pthread_mutex_lock(&q->lock);
	peak = q->member_peak;
	pthread_mutex_unlock(&q->lock);
	return peak;
}

nsw_scan_job *nsw_scan_queue__drain(nsw_scan_queue *q)
{
	nsw_scan_job *all;

	pthread_mutex_lock(&q->lock);
	all = q->head;
	q->head = q->tail = NULL;
	q->count = 0;
	if (q->members != NULL) { /* none by then: every reader waited */
		q->members_tail->next = all;
		all = q->members;
		q->members = q->members_tail = NULL;
	}
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->lock);
	return all;
}

void nsw_scan_queue__job_free(nsw_scan_job *job)
{
	while (job != NULL) {
		nsw_scan_job *next = job->next;

		nsw__free(job->path);
		nsw__free(job->walk_message);
		nsw__free(job->error);
		nsw__free(job->link);
		nsw__free(job->matches.v);
		nsw__free(job->display);
		if (job->member != NULL)
			nsw__free(job->member->data);
		nsw__free(job->member);
		nsw__free(job);
		job = next;
	}
}
