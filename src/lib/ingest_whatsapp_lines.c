/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The WhatsApp line grammar: message headers (dates, 12/24 h clocks, marks),
 * author splitting, and the localised words for system lines, deleted
 * messages and attachments (en, es, pt, de, it, fr). ingest_whatsapp.c
 * drives the passes over the file.
 */
#include <string.h>

#include "ingest_whatsapp.h"

/* ---- Matching helpers ------------------------------------------------- */

/* Bytes of a format mark (U+200E/F, U+202A-E, U+2066-9, BOM) at s. */
size_t nsw_ingest__wa_mark_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
	    (p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xAA && p[2] <= 0xAE)))
		return 3;
	if (n >= 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 &&
	    p[2] <= 0xA9)
		return 3;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return 3;
	return 0;
}

/* Bytes of a space (ASCII, U+00A0, U+202F) at s. */
size_t nsw_ingest__wa_space_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	if (n >= 1 && p[0] == ' ')
		return 1;
	if (n >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
		return 2;
	if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xAF)
		return 3;
	return 0;
}

/* Copy with format marks removed and U+00A0/U+202F turned into spaces:
 * the form every pattern is matched against (the text keeps them). */
int nsw_ingest__wa_clean(nsw_buf *out, const char *s, size_t n)
{
	size_t i = 0, run = 0, k;

	nsw_buf_reset(out);
	while (i < n) {
		/* Marks and wide spaces all start with 0xC2/0xE2/0xEF. */
		unsigned char ch = (unsigned char)s[i];

		if (ch != 0xC2 && ch != 0xE2 && ch != 0xEF) {
			i++;
			continue;
		}
		k = nsw_ingest__wa_mark_len(s + i, n - i);
		if (k == 0 && nsw_ingest__wa_space_len(s + i, n - i) > 1)
			k = nsw_ingest__wa_space_len(s + i, n - i);
		if (k == 0) {
			i++;
			continue;
		}
		if (nsw_buf_put(out, s + run, i - run) < 0 ||
		    (nsw_ingest__wa_mark_len(s + i, n - i) == 0 &&
		     nsw_buf_putc(out, ' ') < 0))
			return -1;
		i += k;
		run = i;
	}
	if (nsw_buf_put(out, s + run, n - run) < 0)
		return -1;
	if (out->ptr == NULL && nsw_buf_put(out, "", 0) < 0)
		return -1;
	return 0;
}

static int digits(const char *s, size_t n, size_t *i, int maxd, int *v,
		  int *count)
{
	int c = 0, x = 0;

	while (*i < n && c < maxd && s[*i] >= '0' && s[*i] <= '9') {
		x = x * 10 + (s[*i] - '0');
		(*i)++;
		c++;
	}
	if (c == 0 || (*i < n && s[*i] >= '0' && s[*i] <= '9'))
		return 0;
	*v = x;
	if (count != NULL)
		*count = c;
	return 1;
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
	size_t k;

	while (i < n && (k = nsw_ingest__wa_space_len(s + i, n - i)) > 0)
		i += k;
	return i;
}

/* 1 am, 2 pm, 0 none; advances *i past it. */
static int meridiem(const char *s, size_t n, size_t *i)
{
	size_t j = skip_spaces(s, n, *i), k;
	int which;

	if (j >= n)
		return 0;
	if (s[j] == 'a' || s[j] == 'A')
		which = 1;
	else if (s[j] == 'p' || s[j] == 'P')
		which = 2;
	else
		return 0;
	j++;
	if (j < n && s[j] == '.') {
		j++;
		j = skip_spaces(s, n, j);
	}
	if (j >= n || (s[j] != 'm' && s[j] != 'M'))
		return 0;
	j++;
	if (j < n && s[j] == '.')
		j++;
	k = j;
	*i = k;
	return which;
}

/* Parse a message header at the start of a line. 1 if there is one. */
int nsw_ingest__wa_parse_header(const char *s, size_t n,
				struct nsw_ingest__wa_hdr *h)
{
	size_t i = 0, k;
	char sep;
	int m, comma = 0;

	memset(h, 0, sizeof(*h));
	while ((k = nsw_ingest__wa_mark_len(s + i, n - i)) > 0)
		i += k;
	if (i < n && s[i] == '[') {
		h->ios_bracket = 1;
		i++;
	}
	if (!digits(s, n, &i, 4, &h->f[0], &h->flen[0]) || i >= n)
		return 0;
	sep = s[i];
	if (sep != '/' && sep != '.' && sep != '-')
		return 0;
	i++;
	if (!digits(s, n, &i, 2, &h->f[1], &h->flen[1]) || i >= n ||
	    s[i] != sep)
		return 0;
	i++;
	if (!digits(s, n, &i, 4, &h->f[2], &h->flen[2]))
		return 0;
	if (h->flen[0] == 3 || h->flen[2] == 3 ||
	    (h->flen[0] == 4 && h->flen[2] > 2))
		return 0;
	if (i < n && s[i] == '.' && sep == '.')
		i++;
	h->dots = sep == '.';
	if (i < n && s[i] == ',') {
		comma = 1;
		i++;
	}
	k = skip_spaces(s, n, i);
	if (k == i && !comma)
		return 0;
	i = k;
	if (!digits(s, n, &i, 2, &h->h, NULL) || i >= n || s[i] != ':')
		return 0;
	i++;
	if (!digits(s, n, &i, 2, &h->mi, NULL))
		return 0;
	if (i < n && s[i] == ':') {
		i++;
		if (!digits(s, n, &i, 2, &h->s, NULL))
			return 0;
	}
	m = meridiem(s, n, &i);
	if (m != 0) {
		if (h->h > 12)
			return 0;
		if (m == 1 && h->h == 12)
			h->h = 0;
		else if (m == 2 && h->h < 12)
			h->h += 12;
	}
	if (h->h > 23 || h->mi > 59 || h->s > 59)
		return 0;
	if (h->ios_bracket) {
		if (i >= n || s[i] != ']')
			return 0;
		i++;
		i = skip_spaces(s, n, i);
	} else {
		k = skip_spaces(s, n, i);
		if (k == i || k >= n || s[k] != '-')
			return 0;
		i = k + 1;
		k = skip_spaces(s, n, i);
		if (k == i && k < n)
			return 0;
		i = k;
	}
	h->body = i;
	return 1;
}

/* ---- System lines ----------------------------------------------------- */

/* Templates: {A} actor, {B} targets, {T} title, {X} ignored. */
static const struct {
	nsw_member_action action;
	const char *tpl;
} system_lines[] = {
	/* en */
	{NSW_MEMBER_CREATE, "{A} created group \"{T}\""},
	{NSW_MEMBER_CREATE, "{A} created this group"},
	{NSW_MEMBER_JOIN_LINK, "{A} joined using this group's invite link"},
	{NSW_MEMBER_JOIN_LINK,
	 "{A} joined using this group\xE2\x80\x99s invite link"},
	{NSW_MEMBER_TITLE, "{A} changed the subject from \"{X}\" to \"{T}\""},
	{NSW_MEMBER_TITLE, "{A} changed the subject to \"{T}\""},
	{NSW_MEMBER_TITLE, "{A} changed the group name to \"{T}\""},
	{NSW_MEMBER_INVITE, "{B} were added"},
	{NSW_MEMBER_INVITE, "{B} was added"},
	{NSW_MEMBER_INVITE, "{A} added {B}"},
	{NSW_MEMBER_REMOVE, "{A} removed {B}"},
	{NSW_MEMBER_LEAVE, "{A} left"},
	/* de */
	{NSW_MEMBER_CREATE, "{A} hat die Gruppe \"{T}\" erstellt"},
	{NSW_MEMBER_CREATE,
	 "{A} hat die Gruppe \xE2\x80\x9E{T}\xE2\x80\x9C erstellt"},
	{NSW_MEMBER_JOIN_LINK, "{A} ist der Gruppe \xC3\xBC"
			       "ber den Einladungslink beigetreten"},
	{NSW_MEMBER_TITLE, "{A} hat den Betreff zu \"{T}\" ge\xC3\xA4ndert"},
	{NSW_MEMBER_LEAVE, "{A} hat die Gruppe verlassen"},
	{NSW_MEMBER_INVITE, "{A} hat {B} hinzugef\xC3\xBCgt"},
	{NSW_MEMBER_REMOVE, "{A} hat {B} entfernt"},
	/* es */
	{NSW_MEMBER_CREATE, "{A} cre\xC3\xB3 el grupo \"{T}\""},
	{NSW_MEMBER_CREATE, "{A} cre\xC3\xB3 el grupo \xC2\xAB{T}\xC2\xBB"},
	{NSW_MEMBER_JOIN_LINK,
	 "{A} se uni\xC3\xB3 usando el enlace de invitaci\xC3\xB3n de este "
	 "grupo"},
	{NSW_MEMBER_TITLE, "{A} cambi\xC3\xB3 el asunto a \"{T}\""},
	{NSW_MEMBER_INVITE, "{A} a\xC3\xB1"
			    "adi\xC3\xB3 a {B}"},
	{NSW_MEMBER_INVITE, "{A} agreg\xC3\xB3 a {B}"},
	{NSW_MEMBER_REMOVE, "{A} elimin\xC3\xB3 a {B}"},
	{NSW_MEMBER_LEAVE, "{A} sali\xC3\xB3 del grupo"},
	{NSW_MEMBER_LEAVE, "{A} sali\xC3\xB3"},
	/* pt */
	{NSW_MEMBER_CREATE, "{A} criou o grupo \"{T}\""},
	{NSW_MEMBER_JOIN_LINK,
	 "{A} entrou usando o link de convite deste grupo"},
	{NSW_MEMBER_TITLE, "{A} mudou o assunto para \"{T}\""},
	{NSW_MEMBER_INVITE, "{A} adicionou {B}"},
	{NSW_MEMBER_REMOVE, "{A} removeu {B}"},
	{NSW_MEMBER_LEAVE, "{A} saiu"},
	/* it */
	{NSW_MEMBER_CREATE, "{A} ha creato il gruppo \"{T}\""},
	{NSW_MEMBER_JOIN_LINK,
	 "{A} si \xC3\xA8 unito tramite il link d'invito a questo gruppo"},
	{NSW_MEMBER_TITLE, "{A} ha cambiato l'oggetto in \"{T}\""},
	{NSW_MEMBER_INVITE, "{A} ha aggiunto {B}"},
	{NSW_MEMBER_REMOVE, "{A} ha rimosso {B}"},
	{NSW_MEMBER_LEAVE, "{A} \xC3\xA8 uscito"},
	{NSW_MEMBER_LEAVE, "{A} \xC3\xA8 uscita"},
	/* fr */
	{NSW_MEMBER_CREATE, "{A} a cr\xC3\xA9\xC3\xA9 le groupe \"{T}\""},
	{NSW_MEMBER_CREATE,
	 "{A} a cr\xC3\xA9\xC3\xA9 le groupe \xC2\xAB {T} \xC2\xBB"},
	{NSW_MEMBER_JOIN_LINK,
	 "{A} a rejoint ce groupe via le lien d'invitation"},
	{NSW_MEMBER_JOIN_LINK,
	 "{A} a rejoint ce groupe via le lien d\xE2\x80\x99invitation"},
	{NSW_MEMBER_INVITE, "{A} a ajout\xC3\xA9 {B}"},
	{NSW_MEMBER_REMOVE, "{A} a retir\xC3\xA9 {B}"},
	{NSW_MEMBER_LEAVE, "{A} est parti"},
	{NSW_MEMBER_LEAVE, "{A} est partie"},
};

/* Fragments of non-membership notices (end-to-end encryption, security
 * codes, disappearing messages) that iOS writes with an author. */
static const char *const notices[] = {
	"end-to-end",
	"Ende-zu-Ende",
	"de ponta a ponta",
	"de extremo a extremo",
	"de bout en bout",
	"crittografati end",
	"security code",
	"Sicherheitsnummer",
	"disappearing messages",
	"c\xC3\xB3"
	"digo de seguran\xC3\xA7"
	"a",
};

/* Match `s` against a template; non-greedy placeholders. 1 on match. */
static int match_tpl(const char *tpl, const char *s, size_t n,
		     struct nsw_ingest__wa_match *m)
{
	size_t si = 0;
	const char *p = tpl;

	memset(m, 0, sizeof(*m));
	while (*p != '\0') {
		if (p[0] == '{' && p[1] != '\0' && p[2] == '}') {
			char which = p[1];
			const char *lit = p + 3;
			size_t litlen = strcspn(lit, "{"), start = si, end;

			if (litlen == 0) {
				end = n; /* last placeholder: to the end */
			} else {
				const char *hit = NULL;

				for (size_t j = si + 1; j + litlen <= n; j++)
					if (memcmp(s + j, lit, litlen) == 0) {
						hit = s + j;
						break;
					}
				if (hit == NULL)
					return 0;
				end = (size_t)(hit - s);
			}
			if (end <= start)
				return 0;
			if (which == 'A')
				m->a = s + start, m->alen = end - start;
			else if (which == 'B')
				m->b = s + start, m->blen = end - start;
			else if (which == 'T')
				m->t = s + start, m->tlen = end - start;
			si = end;
			p += 3;
			continue;
		}
		if (si >= n || s[si] != *p)
			return 0;
		si++;
		p++;
	}
	return si == n;
}

int nsw_ingest__wa_classify_system(const char *s, size_t n,
				   struct nsw_ingest__wa_match *m,
				   nsw_member_action *action)
{
	for (size_t i = 0; i < sizeof(system_lines) / sizeof(system_lines[0]);
	     i++) {
		if (match_tpl(system_lines[i].tpl, s, n, m)) {
			/* A name holding '"' or ':' means we split wrongly. */
			if ((m->a != NULL && (memchr(m->a, '"', m->alen) ||
					      memchr(m->a, ':', m->alen))) ||
			    (m->b != NULL && memchr(m->b, ':', m->blen)))
				continue;
			*action = system_lines[i].action;
			return 1;
		}
	}
	return 0;
}

int nsw_ingest__wa_is_notice(const char *s)
{
	for (size_t i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strstr(s, notices[i]) != NULL)
			return 1;
	return 0;
}

static const char *const deleted_texts[] = {
	"This message was deleted",
	"You deleted this message",
	"Diese Nachricht wurde gel\xC3\xB6scht.",
	"Du hast diese Nachricht gel\xC3\xB6scht.",
	"Se elimin\xC3\xB3 este mensaje.",
	"Eliminaste este mensaje.",
	"Essa mensagem foi apagada",
	"Voc\xC3\xAA apagou esta mensagem",
	"Questo messaggio \xC3\xA8 stato eliminato",
	"Hai eliminato questo messaggio",
	"Ce message a \xC3\xA9t\xC3\xA9 supprim\xC3\xA9",
	"Vous avez supprim\xC3\xA9 ce message",
};

static const char *const omitted_media[] = {
	"<Media omitted>",
	"<Medien ausgeschlossen>",
	"<Multimedia omitido>",
	"<Arquivo de m\xC3\xAD"
	"dia oculto>",
	"<M\xC3\xAD"
	"dia omitida>",
	"<Media omessi>",
	"<M\xC3\xA9"
	"dias omis>",
	"<M\xC3\xA9"
	"dias omises>",
};

static const char *const attached_suffix[] = {
	" (file attached)",   " (Datei angeh\xC3\xA4ngt)", " (archivo adjunto)",
	" (arquivo anexado)", " (file allegato)",	   " (fichier joint)",
};

static const struct {
	const char *text;
	nsw_media_kind kind;
} ios_omitted[] = {
	{"image omitted", NSW_MEDIA_KIND_PHOTO},
	{"video omitted", NSW_MEDIA_KIND_VIDEO},
	{"audio omitted", NSW_MEDIA_KIND_AUDIO},
	{"sticker omitted", NSW_MEDIA_KIND_STICKER},
	{"GIF omitted", NSW_MEDIA_KIND_ANIMATION},
	{"document omitted", NSW_MEDIA_KIND_DOCUMENT},
	{"Contact card omitted", NSW_MEDIA_KIND_CONTACT},
	{"Bild weggelassen", NSW_MEDIA_KIND_PHOTO},
	{"Video weggelassen", NSW_MEDIA_KIND_VIDEO},
	{"Audio weggelassen", NSW_MEDIA_KIND_AUDIO},
	{"Sticker weggelassen", NSW_MEDIA_KIND_STICKER},
	{"imagen omitida", NSW_MEDIA_KIND_PHOTO},
	{"video omitido", NSW_MEDIA_KIND_VIDEO},
	{"audio omitido", NSW_MEDIA_KIND_AUDIO},
	{"sticker omitido", NSW_MEDIA_KIND_STICKER},
	{"imagem ocultada", NSW_MEDIA_KIND_PHOTO},
	{"v\xC3\xAD"
	 "deo omitido",
	 NSW_MEDIA_KIND_VIDEO},
	{"immagine omessa", NSW_MEDIA_KIND_PHOTO},
	{"video omesso", NSW_MEDIA_KIND_VIDEO},
	{"image absente", NSW_MEDIA_KIND_PHOTO},
	{"vid\xC3\xA9o absente", NSW_MEDIA_KIND_VIDEO},
	{"audio omis", NSW_MEDIA_KIND_AUDIO},
};

/* ---- Author and phone ------------------------------------------------- */

/* Split "author: text" in the cleaned body. 1 with *alen and *text_at. */
int nsw_ingest__wa_split_author(const char *s, size_t n, size_t *alen,
				size_t *tat)
{
	const char *colon = NULL;

	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == ':' && s[i + 1] == ' ') {
			colon = s + i;
			break;
		}
	if (colon != NULL) {
		*alen = (size_t)(colon - s);
		*tat = *alen + 2;
		if (*alen == 0 || memchr(s, '"', *alen) != NULL)
			return 0;
		return 1;
	}
	/* "John Doe:." (no space after the colon), or "Name:" at the end. */
	colon = memchr(s, ':', n);
	if (colon == NULL || colon == s || (size_t)(colon - s) > 100 ||
	    memchr(s, '"', (size_t)(colon - s)) != NULL)
		return 0;
	*alen = (size_t)(colon - s);
	*tat = *alen + 1;
	return 1;
}

/* Offset in the raw text of byte `visible` of its nsw_ingest__wa_clean() form:
 * the text after "author: " keeps its marks. */
size_t nsw_ingest__wa_raw_offset(const char *raw, size_t n, size_t visible)
{
	size_t seen = 0, i = 0;

	while (i < n && seen < visible) {
		size_t k = nsw_ingest__wa_mark_len(raw + i, n - i);

		if (k == 0) {
			k = nsw_ingest__wa_space_len(raw + i, n - i);
			k = k ? k : 1;
			seen++;
		}
		i += k;
	}
	return i;
}

/* ---- Deleted messages and attachment words ---------------------------- */

int nsw_ingest__wa_is_deleted(const char *text)
{
	for (size_t k = 0; k < sizeof(deleted_texts) / sizeof(deleted_texts[0]);
	     k++)
		if (strcmp(text, deleted_texts[k]) == 0)
			return 1;
	return 0;
}

int nsw_ingest__wa_omitted(const char *text, size_t n, nsw_media_kind *kind,
			   const char **ref)
{
	size_t k;

	for (size_t i = 0; i < sizeof(omitted_media) / sizeof(omitted_media[0]);
	     i++)
		if (strlen(omitted_media[i]) == n &&
		    memcmp(text, omitted_media[i], n) == 0) {
			*kind = NSW_MEDIA_KIND_OTHER;
			*ref = omitted_media[i];
			return 1;
		}
	for (size_t i = 0; i < sizeof(ios_omitted) / sizeof(ios_omitted[0]);
	     i++) {
		k = strlen(ios_omitted[i].text);
		if (n >= k &&
		    memcmp(text + n - k, ios_omitted[i].text, k) == 0 &&
		    (n == k || text[n - k - 1] == ' ')) {
			*kind = ios_omitted[i].kind;
			*ref = ios_omitted[i].text;
			return 1;
		}
	}
	return 0;
}

size_t nsw_ingest__wa_attached_suffix(const char *text, size_t n)
{
	for (size_t i = 0;
	     i < sizeof(attached_suffix) / sizeof(attached_suffix[0]); i++) {
		size_t k = strlen(attached_suffix[i]);

		if (n > k && memcmp(text + n - k, attached_suffix[i], k) == 0)
			return k;
	}
	return 0;
}
