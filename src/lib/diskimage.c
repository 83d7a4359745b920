/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Disk images through The Sleuth Kit: the one file that includes libtsk.
 * Opens an image read-only, finds its partitions and file systems, walks
 * every file (deleted ones too) and reads file content by metadata address.
 * TSK's thread-local error text becomes an NSW_E* message naming the image
 * and the partition.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tsk/libtsk.h>

#include "alloc.h"
#include "buf.h"
#include "diskimage.h"
#include "error.h"
#include "limits.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NSW_DISKIMAGE_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(NSW_DISKIMAGE_TSAN)
/*
 * libtsk converts FAT times with mktime(); with TZ unset glibc then frees
 * and copies its zone name on every call, under glibc's own tzset lock,
 * which ThreadSanitizer does not see (libc is not instrumented). Workers
 * reading FAT entries at once are therefore reported as racing in
 * tzset_internal; they are not.
 */
const char *__tsan_default_suppressions(void);
const char *__tsan_default_suppressions(void)
{
	return "race:tzset_internal\n";
}
#endif

/* One allocated partition (or the whole image): its file system, or why
 * there is none. */
struct part {
	unsigned number;  /* the N of "pN": 1.. in table order, 0: no table */
	int64_t offset;	  /* byte offset in the image */
	TSK_FS_INFO *fs;  /* NULL: see problem */
	char *problem;	  /* owned */
	int problem_code; /* NSW_E* */
};

struct nsw_diskimage {
	char *path; /* owned copy, for messages */
	TSK_IMG_INFO *img;
	TSK_VS_INFO *vs;
	struct part parts[NSW_DISKIMAGE_PARTITIONS_MAX + 1];
	unsigned nparts;
};

struct nsw_diskimage_file {
	TSK_FS_FILE *file;
	const nsw_diskimage *img;
	unsigned fs;
	int64_t offset, size;
};

/* TSK's message for this thread, then cleared; never NULL. */
static const char *tsk_message(void)
{
	static __thread char copy[NSW_ERROR_MESSAGE_MAX];
	const char *m = tsk_error_get();

	snprintf(copy, sizeof(copy), "%s",
		 m != NULL && m[0] != '\0' ? m : "unknown libtsk error");
	/* TSK's text may end with a newline; messages are one line. */
	for (char *p = copy; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	tsk_error_reset();
	return copy;
}

static int64_t ns_of(time_t s, uint32_t ns)
{
	if (ns >= 1000000000u)
		ns = 0; /* a corrupt field: keep the seconds */
	if (s > INT64_MAX / 1000000000LL - 1 ||
	    s < INT64_MIN / 1000000000LL + 1)
		return INT64_MIN;
	return (int64_t)s * 1000000000LL + (int64_t)ns;
}

static const char *part_label(const struct part *p, char *buf, size_t cap)
{
	snprintf(buf, cap, "p%u (offset %lld)", p->number,
		 (long long)p->offset);
	return buf;
}

/* ---- Opening ---------------------------------------------------------- */

static int add_problem(nsw_diskimage *d, unsigned number, int64_t offset,
		       int code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int add_problem(nsw_diskimage *d, unsigned number, int64_t offset,
		       int code, const char *fmt, ...)
{
	char msg[NSW_ERROR_MESSAGE_MAX];
	struct part *p;
	va_list ap;

	if (d->nparts >= NSW_DISKIMAGE_PARTITIONS_MAX + 1)
		return NSW_OK; /* the over-limit problem is already there */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p = &d->parts[d->nparts];
	memset(p, 0, sizeof(*p));
	p->number = number;
	p->offset = offset;
	p->problem_code = code;
	p->problem = nsw__strdup(msg);
	if (p->problem == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", d->path);
	d->nparts++;
	return NSW_OK;
}

static int open_partitions(nsw_diskimage *d)
{
	unsigned number = 0;
	int rc = NSW_OK;

	for (TSK_PNUM_T i = 0; rc == NSW_OK && i < d->vs->part_count; i++) {
		const TSK_VS_PART_INFO *vp = tsk_vs_part_get(d->vs, i);
		int64_t offset;
		struct part *p;

		if (vp == NULL || !(vp->flags & TSK_VS_PART_FLAG_ALLOC))
			continue; /* unallocated space, tables, containers */
		number++;
		offset = (int64_t)vp->start * (int64_t)d->vs->block_size;
		if (d->nparts >= NSW_DISKIMAGE_PARTITIONS_MAX)
			return add_problem(
				d, number, offset, NSW_ELIMIT,
				"%s: more than %d partitions: p%u "
				"and later not scanned",
				d->path, NSW_DISKIMAGE_PARTITIONS_MAX, number);
		p = &d->parts[d->nparts];
		memset(p, 0, sizeof(*p));
		p->fs = tsk_fs_open_vol(vp, TSK_FS_TYPE_DETECT);
		if (p->fs == NULL) {
			rc = add_problem(d, number, offset, NSW_EFORMAT,
					 "%s: p%u (offset %lld, %s): no file "
					 "system libtsk reads: %s",
					 d->path, number, (long long)offset,
					 vp->desc != NULL ? vp->desc : "?",
					 tsk_message());
			continue;
		}
		p->number = number;
		p->offset = offset;
		d->nparts++;
	}
	if (rc == NSW_OK && number == 0)
		rc = nsw_error_set(NSW_EFORMAT,
				   "%s: partition table without partitions",
				   d->path);
	return rc;
}

/*
 * The container format from its signature. Asking libtsk to detect it
 * instead makes it try AFF, VHD and VMDK on every raw image, and those
 * failed attempts leak in libtsk 4.11; naming the type also means a raw
 * image is never taken for something else.
 */
static TSK_IMG_TYPE_ENUM image_type(const char *path)
{
	static const struct {
		const char *magic;
		size_t len;
		TSK_IMG_TYPE_ENUM type;
	} sigs[] = {
		{"EVF\x09\x0d\x0a\xff\x00", 8, TSK_IMG_TYPE_EWF_EWF},
		{"LVF\x09\x0d\x0a\xff\x00", 8, TSK_IMG_TYPE_EWF_EWF},
		{"EVF2\x0d\x0a\x81\x00", 8, TSK_IMG_TYPE_EWF_EWF},
		{"AFF10\x0d\x0a\x00", 8, TSK_IMG_TYPE_AFF_ANY},
		{"KDMV", 4, TSK_IMG_TYPE_VMDK_VMDK},
		{"# Disk DescriptorFile", 21, TSK_IMG_TYPE_VMDK_VMDK},
		{"conectix", 8, TSK_IMG_TYPE_VHD_VHD},
	};
	uint8_t head[32], foot[8];
	int flags = O_RDONLY | O_CLOEXEC | O_NOATIME;
	int fd = open(path, flags);
	ssize_t n;
	struct stat st;
	TSK_IMG_TYPE_ENUM type = TSK_IMG_TYPE_RAW;

	if (fd < 0 && errno == EPERM)
		fd = open(path, flags & ~O_NOATIME);
	if (fd < 0)
		return TSK_IMG_TYPE_RAW; /* libtsk's open says why */
	n = pread(fd, head, sizeof(head), 0);
	for (size_t i = 0; n > 0 && i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if ((size_t)n >= sigs[i].len &&
		    memcmp(head, sigs[i].magic, sigs[i].len) == 0)
			type = sigs[i].type;
	/* A fixed VHD has its footer only at the end. */
	if (type == TSK_IMG_TYPE_RAW && fstat(fd, &st) == 0 &&
	    S_ISREG(st.st_mode) && st.st_size >= 512 &&
	    pread(fd, foot, sizeof(foot), st.st_size - 512) == 8 &&
	    memcmp(foot, "conectix", 8) == 0)
		type = TSK_IMG_TYPE_VHD_VHD;
	close(fd);
	return type;
}

int nsw_diskimage_open(nsw_diskimage **out, const char *path)
{
	nsw_diskimage *d = NULL;
	struct stat st;
	int rc = NSW_OK;

	if (out == NULL || path == NULL)
		return nsw_error_set(NSW_EINVAL, "diskimage: NULL argument");
	*out = NULL;
	if (stat(path, &st) != 0)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return nsw_error_set(NSW_EFORMAT,
				     "%s: not a file or block device", path);
	d = nsw__calloc(1, sizeof(*d));
	if (d == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
	d->path = nsw__strdup(path);
	if (d->path == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
		goto done;
	}
	/* Read-only: TSK opens raw segments O_RDONLY and E01 for reading;
	 * split raw (.001, .aa) and E01 segments are found by TSK. A fixed
	 * VHD is also a raw disk with a footer: read as VHD, its footer is
	 * not part of the disk. */
	d->img = tsk_img_open_utf8_sing(path, image_type(path), 0);
	if (d->img == NULL) {
		rc = nsw_error_set(NSW_EFORMAT,
				   "%s: not a disk image libtsk reads: %s",
				   path, tsk_message());
		goto done;
	}
	/* GPT first: its protective MBR also parses as DOS, and libtsk
	 * 4.11's detection then leaks the DOS table it discards. A disk with
	 * a valid GPT is a GPT disk (as Linux reads it). */
	d->vs = tsk_vs_open(d->img, 0, TSK_VS_TYPE_GPT);
	if (d->vs == NULL) {
		tsk_error_reset();
		d->vs = tsk_vs_open(d->img, 0, TSK_VS_TYPE_DETECT);
	}
	if (d->vs != NULL) {
		rc = open_partitions(d);
		goto done;
	}
	tsk_error_reset();
	/* No partition table: one file system over the whole image. */
	d->parts[0].fs = tsk_fs_open_img(d->img, 0, TSK_FS_TYPE_DETECT);
	if (d->parts[0].fs == NULL) {
		rc = nsw_error_set(NSW_EFORMAT,
				   "%s: neither a partition table nor a file "
				   "system libtsk reads (%s)",
				   path, tsk_message());
		goto done;
	}
	d->nparts = 1;
done:
	if (rc != NSW_OK) {
		nsw_diskimage_close(d);
		return rc;
	}
	*out = d;
	return NSW_OK;
}

int64_t nsw_diskimage_size(const nsw_diskimage *img)
{
	return img != NULL && img->img != NULL ? (int64_t)img->img->size : -1;
}

void nsw_diskimage_close(nsw_diskimage *img)
{
	if (img == NULL)
		return;
	for (unsigned i = 0; i < img->nparts; i++) {
		if (img->parts[i].fs != NULL)
			tsk_fs_close(img->parts[i].fs);
		nsw__free(img->parts[i].problem);
	}
	if (img->vs != NULL)
		tsk_vs_close(img->vs);
	if (img->img != NULL)
		tsk_img_close(img->img);
	nsw__free(img->path);
	nsw__free(img);
}

int nsw_diskimage_read(nsw_diskimage *img, int64_t offset, uint8_t *buf,
		       size_t cap, size_t *got)
{
	ssize_t n;

	*got = 0;
	if (offset < 0 || offset >= (int64_t)img->img->size)
		return NSW_OK;
	if ((uint64_t)(img->img->size - offset) < cap)
		cap = (size_t)(img->img->size - offset);
	n = tsk_img_read(img->img, offset, (char *)buf, cap);
	if (n <= 0)
		return nsw_error_set(
			NSW_EIO, "%s: cannot read at offset %lld: %s",
			img->path, (long long)offset, tsk_message());
	*got = (size_t)n;
	return NSW_OK;
}

/* ---- Walking ----------------------------------------------------------- */

struct walk {
	nsw_diskimage *d;
	unsigned fs; /* index in parts */
	nsw_diskimage_fn fn;
	void *ctx;
	int rc;		  /* the callback's code that stopped us */
	uint64_t entries; /* reported for this image */
	nsw_buf path;	  /* "pN/" + TSK's path + name */
};

static nsw_diskimage_kind kind_of(const TSK_FS_FILE *f, int *skip)
{
	int type = f->meta != NULL ? (int)f->meta->type : -1;

	*skip = 0;
	if (type < 0 || type == TSK_FS_META_TYPE_UNDEF) {
		/* No metadata (deleted name): the name's own type. */
		switch (f->name->type) {
		case TSK_FS_NAME_TYPE_DIR:
		case TSK_FS_NAME_TYPE_VIRT_DIR:
		case TSK_FS_NAME_TYPE_VIRT:
			*skip = 1;
			return NSW_DISKIMAGE_ERROR;
		case TSK_FS_NAME_TYPE_LNK:
			return NSW_DISKIMAGE_SYMLINK;
		case TSK_FS_NAME_TYPE_REG:
		case TSK_FS_NAME_TYPE_UNDEF:
			return NSW_DISKIMAGE_FILE;
		default:
			return NSW_DISKIMAGE_SPECIAL;
		}
	}
	switch (type) {
	case TSK_FS_META_TYPE_REG:
		return NSW_DISKIMAGE_FILE;
	case TSK_FS_META_TYPE_DIR:
	case TSK_FS_META_TYPE_VIRT_DIR:
	case TSK_FS_META_TYPE_VIRT: /* $MBR, $FAT1: file system areas */
		*skip = 1;
		return NSW_DISKIMAGE_ERROR;
	case TSK_FS_META_TYPE_LNK:
		return NSW_DISKIMAGE_SYMLINK;
	default:
		return NSW_DISKIMAGE_SPECIAL;
	}
}

/*
 * Append one name component. A '/' or NUL inside a name (impossible on a
 * sane file system, possible in a hostile one) would change the path's
 * meaning: such bytes become 0xFF, which marks the name as not UTF-8 and
 * shows as \xff.
 */
static int put_component(nsw_buf *b, const char *name, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = name[i] == '/' ? (char)0xFF : name[i];

		if (nsw_buf_put(b, &c, 1) != 0)
			return -1;
	}
	return 0;
}

static int build_path(struct walk *w, const TSK_FS_FILE *f, const char *dir,
		      size_t *name_offset)
{
	const struct part *p = &w->d->parts[w->fs];
	const char *name = f->name->name != NULL ? f->name->name : "";
	size_t dlen = strlen(dir);
	int rc;

	nsw_buf_reset(&w->path);
	rc = nsw_buf_printf(&w->path, "p%u/", p->number);
	/* TSK's parent path: "" at the root, else "a/b/" (names it built
	 * from the directory entries, so the same rule applies). */
	for (size_t i = 0; rc == 0 && i < dlen; i++) {
		size_t j = i;

		while (j < dlen && dir[j] != '/')
			j++;
		rc = put_component(&w->path, dir + i, j - i);
		if (rc == 0 && j < dlen)
			rc = nsw_buf_put(&w->path, "/", 1);
		i = j;
	}
	*name_offset = w->path.len;
	if (rc == 0 && name[0] == '\0')
		rc = nsw_buf_printf(&w->path, "$NoName-%llu",
				    (unsigned long long)f->name->meta_addr);
	/* "." and ".." that are not directories (those are skipped by type)
	 * exist only in hostile file systems: 0xFF first, so the recorded
	 * path never climbs. */
	if (rc == 0 && name[0] != '\0' && TSK_FS_ISDOT(name))
		rc = nsw_buf_putc(&w->path, (char)0xFF);
	if (rc == 0 && name[0] != '\0')
		rc = put_component(&w->path, name, strlen(name));
	return rc == 0 ? NSW_OK : NSW_ELIMIT;
}

/* Why a deleted entry's content is not its own, or NULL. */
static const char *unrecoverable(const TSK_FS_FILE *f)
{
	if (f->meta == NULL || f->name->meta_addr == 0)
		return "deleted name without recoverable metadata";
	if ((f->name->flags & TSK_FS_NAME_FLAG_UNALLOC) &&
	    (f->meta->flags & TSK_FS_META_FLAG_ALLOC))
		return "deleted name whose metadata address now belongs to "
		       "another file: content not recoverable";
	return NULL;
}

/* The path buffer refused to grow (it has room for any path we build). */
static TSK_WALK_RET_ENUM stop(struct walk *w)
{
	w->rc = nsw_error_set(NSW_ENOMEM, "%s: out of memory", w->d->path);
	return TSK_WALK_STOP;
}

static TSK_WALK_RET_ENUM walk_cb(TSK_FS_FILE *f, const char *dir, void *arg)
{
	struct walk *w = arg;
	const struct part *p = &w->d->parts[w->fs];
	nsw_diskimage_entry e;
	char msg[NSW_ERROR_MESSAGE_MAX], where[64];
	const char *why = NULL;
	int skip, rc;

	if (f == NULL || f->name == NULL)
		return TSK_WALK_CONT;
	memset(&e, 0, sizeof(e));
	e.kind = kind_of(f, &skip);
	if (skip)
		return TSK_WALK_CONT; /* directories: TSK descends itself */
	if (++w->entries > NSW_DISKIMAGE_FILES_MAX) {
		w->rc = NSW_ELIMIT;
		return TSK_WALK_STOP;
	}
	/* Room is left for the deleted suffix below. */
	if (build_path(w, f, dir != NULL ? dir : "", &e.name_offset) != 0 ||
	    w->path.len > NSW_PATH_MAX - 64) {
		/* Over the path limit: keep it findable by address. */
		nsw_buf_reset(&w->path);
		if (nsw_buf_printf(&w->path, "p%u/$LongPath-%llu", p->number,
				   (unsigned long long)f->name->meta_addr))
			return stop(w);
		e.name_offset = 0;
		why = "path longer than NSW_PATH_MAX";
	}
	e.fs = w->fs;
	e.meta_addr = (uint64_t)f->name->meta_addr;
	e.deleted = (f->name->flags & TSK_FS_NAME_FLAG_UNALLOC) ||
		    (f->meta != NULL &&
		     (f->meta->flags & TSK_FS_META_FLAG_UNALLOC));
	e.size = -1;
	e.mtime_ns = e.atime_ns = e.ctime_ns = e.crtime_ns = INT64_MIN;
	if (f->meta != NULL) {
		e.meta_addr = (uint64_t)f->meta->addr;
		e.size = (int64_t)f->meta->size;
		e.mtime_ns = ns_of(f->meta->mtime, f->meta->mtime_nano);
		e.atime_ns = ns_of(f->meta->atime, f->meta->atime_nano);
		e.ctime_ns = ns_of(f->meta->ctime, f->meta->ctime_nano);
		e.crtime_ns = ns_of(f->meta->crtime, f->meta->crtime_nano);
		if (e.kind == NSW_DISKIMAGE_SYMLINK)
			e.link = f->meta->link;
	}
	/* A deleted name may repeat a live one (a file saved over): the
	 * suffix keeps both, and says what the entry is. */
	if (e.deleted && why == NULL &&
	    nsw_buf_printf(&w->path, " [deleted inode %llu]",
			   (unsigned long long)e.meta_addr) != 0)
		return stop(w);
	if (why == NULL && e.deleted)
		why = unrecoverable(f);
	if (why != NULL) {
		snprintf(msg, sizeof(msg), "%s: %s, inode %llu: %s", w->d->path,
			 part_label(p, where, sizeof(where)),
			 (unsigned long long)e.meta_addr, why);
		e.kind = NSW_DISKIMAGE_ERROR;
		e.error = NSW_EFORMAT;
		e.message = msg;
	}
	e.path = w->path.ptr;
	e.path_len = w->path.len;
	rc = w->fn(w->ctx, &e);
	if (rc != NSW_OK) {
		w->rc = rc;
		return TSK_WALK_STOP;
	}
	return TSK_WALK_CONT;
}

static int report_part(struct walk *w, int code, const char *message)
{
	const struct part *p = &w->d->parts[w->fs];
	nsw_diskimage_entry e;

	nsw_buf_reset(&w->path);
	if (nsw_buf_printf(&w->path, "p%u", p->number) != 0)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory",
				     w->d->path);
	memset(&e, 0, sizeof(e));
	e.path = w->path.ptr;
	e.path_len = w->path.len;
	e.kind = NSW_DISKIMAGE_ERROR;
	e.fs = w->fs;
	e.size = -1;
	e.mtime_ns = e.atime_ns = e.ctime_ns = e.crtime_ns = INT64_MIN;
	e.error = code;
	e.message = message;
	return w->fn(w->ctx, &e);
}

int nsw_diskimage_walk(nsw_diskimage *img, nsw_diskimage_fn fn, void *ctx)
{
	struct walk w;
	char msg[NSW_ERROR_MESSAGE_MAX], where[64];
	int rc = NSW_OK;

	if (img == NULL || fn == NULL)
		return nsw_error_set(NSW_EINVAL, "diskimage: NULL argument");
	memset(&w, 0, sizeof(w));
	w.d = img;
	w.fn = fn;
	w.ctx = ctx;
	nsw_buf_init(&w.path, NSW_PATH_MAX + 64);
	for (unsigned i = 0; rc == NSW_OK && i < img->nparts; i++) {
		const struct part *p = &img->parts[i];
		uint8_t failed;

		w.fs = i;
		if (p->fs == NULL) {
			rc = report_part(&w, p->problem_code, p->problem);
			continue;
		}
		w.rc = NSW_OK;
		failed = tsk_fs_dir_walk(p->fs, p->fs->root_inum,
					 TSK_FS_DIR_WALK_FLAG_ALLOC |
						 TSK_FS_DIR_WALK_FLAG_UNALLOC |
						 TSK_FS_DIR_WALK_FLAG_RECURSE,
					 walk_cb, &w);
		if (w.rc == NSW_ELIMIT) {
			snprintf(msg, sizeof(msg),
				 "%s: more than %llu entries: the rest of the "
				 "image is not scanned",
				 img->path,
				 (unsigned long long)NSW_DISKIMAGE_FILES_MAX);
			rc = report_part(&w, NSW_ELIMIT, msg);
			break;
		}
		if (w.rc != NSW_OK) {
			rc = w.rc;
			break;
		}
		if (failed) {
			/* A corrupt directory: what was walked is kept. */
			snprintf(msg, sizeof(msg), "%s: %s: walk stopped: %s",
				 img->path, part_label(p, where, sizeof(where)),
				 tsk_message());
			rc = report_part(&w, NSW_EFORMAT, msg);
		}
	}
	nsw_buf_dispose(&w.path);
	return rc;
}

/* ---- Reading files ----------------------------------------------------- */

/* A deleted file whose data runs are gone would read as zeros: refuse. */
static const char *no_content(TSK_FS_FILE *f)
{
	const TSK_FS_ATTR *a;
	uint64_t fs_bytes = (uint64_t)f->fs_info->block_count *
			    (uint64_t)f->fs_info->block_size;

	if (f->meta->size == 0)
		return NULL;
	/* A deleted file claiming more than its whole file system holds is
	 * not recoverable; and loading its runs costs libtsk 4.11 time
	 * quadratic in the claimed size (seconds per file on a hostile
	 * 58 KB ext image, found by fuzz_diskimage), so it is refused
	 * before they are built. */
	if (f->fs_info->block_size > 0 && (uint64_t)f->meta->size > fs_bytes)
		return "claimed size over the file system's size";
	a = tsk_fs_file_attr_get(f);
	if (a == NULL) {
		tsk_error_reset();
		return "no data attribute left";
	}
	if (!(a->flags & TSK_FS_ATTR_NONRES))
		return NULL; /* resident: the data is in the metadata */
	for (const TSK_FS_ATTR_RUN *r = a->nrd.run; r != NULL; r = r->next)
		if (!(r->flags & (TSK_FS_ATTR_RUN_FLAG_SPARSE |
				  TSK_FS_ATTR_RUN_FLAG_FILLER)))
			return NULL;
	return "no data blocks left";
}

int nsw_diskimage_open_file(nsw_diskimage_file **out, nsw_diskimage *img,
			    unsigned fs, uint64_t meta_addr)
{
	nsw_diskimage_file *df = NULL;
	const struct part *p;
	char where[64];
	const char *why;

	*out = NULL;
	if (img == NULL || fs >= img->nparts || img->parts[fs].fs == NULL)
		return nsw_error_set(NSW_EINVAL, "diskimage: no file system %u",
				     fs);
	p = &img->parts[fs];
	df = nsw__calloc(1, sizeof(*df));
	if (df == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory",
				     img->path);
	df->img = img;
	df->fs = fs;
	df->file = tsk_fs_file_open_meta(p->fs, NULL, (TSK_INUM_T)meta_addr);
	if (df->file == NULL || df->file->meta == NULL) {
		nsw_diskimage_file_close(df);
		return nsw_error_set(
			NSW_EFORMAT, "%s: %s, inode %llu: %s", img->path,
			part_label(p, where, sizeof(where)),
			(unsigned long long)meta_addr, tsk_message());
	}
	why = (df->file->meta->flags & TSK_FS_META_FLAG_UNALLOC)
		      ? no_content(df->file)
		      : NULL;
	if (why != NULL) {
		nsw_diskimage_file_close(df);
		return nsw_error_set(NSW_EFORMAT,
				     "%s: %s, inode %llu: deleted, content "
				     "not recoverable (%s)",
				     img->path,
				     part_label(p, where, sizeof(where)),
				     (unsigned long long)meta_addr, why);
	}
	df->size = (int64_t)df->file->meta->size;
	*out = df;
	return NSW_OK;
}

int64_t nsw_diskimage_file_size(const nsw_diskimage_file *f)
{
	return f != NULL ? f->size : -1;
}

int nsw_diskimage_file_read(nsw_diskimage_file *f, uint8_t *buf, size_t cap,
			    size_t *got)
{
	const struct part *p = &f->img->parts[f->fs];
	char where[64];
	ssize_t n;

	*got = 0;
	if (f->offset >= f->size || cap == 0)
		return NSW_OK;
	if ((uint64_t)(f->size - f->offset) < cap)
		cap = (size_t)(f->size - f->offset);
	n = tsk_fs_file_read(f->file, f->offset, (char *)buf, cap,
			     TSK_FS_FILE_READ_FLAG_NONE);
	if (n <= 0)
		return nsw_error_set(NSW_EIO,
				     "%s: %s, inode %llu: read failed at "
				     "%lld of %lld bytes: %s",
				     f->img->path,
				     part_label(p, where, sizeof(where)),
				     (unsigned long long)f->file->meta->addr,
				     (long long)f->offset, (long long)f->size,
				     n == 0 ? "no data" : tsk_message());
	f->offset += n;
	*got = (size_t)n;
	return NSW_OK;
}

int nsw_diskimage_file_seek(nsw_diskimage_file *f, int64_t offset, int whence,
			    int64_t *pos)
{
	int64_t base = whence == SEEK_CUR   ? f->offset
		       : whence == SEEK_END ? f->size
					    : 0;

	*pos = f->offset;
	if ((whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) ||
	    (offset > 0 && base > INT64_MAX - offset) || base + offset < 0 ||
	    base + offset > f->size)
		return nsw_error_set(NSW_EINVAL,
				     "%s: seek to %lld from %d outside a file "
				     "of %lld bytes",
				     f->img->path, (long long)offset, whence,
				     (long long)f->size);
	f->offset = base + offset;
	*pos = f->offset;
	return NSW_OK;
}

void nsw_diskimage_file_close(nsw_diskimage_file *f)
{
	if (f == NULL)
		return;
	if (f->file != NULL)
		tsk_fs_file_close(f->file);
	nsw__free(f);
}
