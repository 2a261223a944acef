/* html.c — the one-file HTML report: the map, the overlapping pairs with
 * their most mixed points, the suspect labels and the map's quality, images
 * inlined as base64 data URIs so the file can be mailed or archived alone. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "report/report_internal.h"

#define SCATTER_W 1100
#define SCATTER_H 860

typedef struct doc {
  ev__buf b;
  int failed;
} doc;

static void put(doc *d, const char *s) {
  if (!d->failed && ev__buf_append(&d->b, s, strlen(s))) d->failed = 1;
}

static void putf(doc *d, const char *fmt, ...) EV__PRINTF(2, 3);
static void putf(doc *d, const char *fmt, ...) {
  char tmp[1024];
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (len < 0) return;
  if (!d->failed && ev__buf_append(&d->b, tmp, (size_t)len < sizeof tmp ? (size_t)len : sizeof tmp - 1))
    d->failed = 1;
}

static void put_text(doc *d, const char *s) { /* HTML-escaped */
  for (; s && *s; s++) {
    switch (*s) {
      case '<': put(d, "&lt;"); break;
      case '>': put(d, "&gt;"); break;
      case '&': put(d, "&amp;"); break;
      case '"': put(d, "&quot;"); break;
      default: {
        char c[2] = {*s, 0};
        put(d, c);
      }
    }
  }
}

static void put_base64(doc *d, const unsigned char *p, size_t n) {
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (d->failed || ev__buf_reserve(&d->b, (n + 2) / 3 * 4)) {
    d->failed = 1;
    return;
  }
  char *o = (char *)d->b.data + d->b.len;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    *o++ = tab[v >> 18];
    *o++ = tab[(v >> 12) & 63];
    *o++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
    *o++ = i + 2 < n ? tab[v & 63] : '=';
  }
  d->b.len = (size_t)(o - (char *)d->b.data);
}

/* <img> of PNG bytes */
static void put_img(doc *d, const unsigned char *png, size_t len, const char *attrs) {
  putf(d, "<img %s src=\"data:image/png;base64,", attrs);
  put_base64(d, png, len);
  put(d, "\">");
}

/* <img> of a surface; the surface is destroyed */
static int put_png(doc *d, cairo_surface_t *s, const char *attrs, ev_error *err) {
  ev__buf png = {.limit = (size_t)1 << 30};
  int rc = ev__png_encode(s, &png, err);
  cairo_surface_destroy(s);
  if (!rc) put_img(d, png.data, png.len, attrs);
  ev__buf_free(&png);
  return rc;
}

static int put_thumb(doc *d, const ev_report *r, int64_t i, ev_error *err) {
  if (!r->thumbs || i < 0 || i >= r->thumbs->n) return EV_OK;
  char attrs[128];
  snprintf(attrs, sizeof attrs, "class=\"thumb\" alt=\"point %lld\" title=\"point %lld\"", (long long)i, (long long)i);
  unsigned char *png;
  size_t len;
  int rc = ev_thumbnail_png(r->thumbs, i, &png, &len, err);
  if (rc) return rc;
  put_img(d, png, len, attrs);
  free(png);
  return EV_OK;
}

static void put_class(doc *d, const ev_report *r, int c) {
  double rgb[3];
  ev__class_colour(c, r->labels->n_classes, rgb);
  putf(d, "<span class=\"dot\" style=\"background:#%02x%02x%02x\"></span>", (int)lrint(rgb[0] * 255),
       (int)lrint(rgb[1] * 255), (int)lrint(rgb[2] * 255));
  put_text(d, c >= 0 ? r->labels->class_names[c] : "(none)");
}

static const char *style =
    "<style>body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;max-width:1160px;"
    "margin:24px auto;padding:0 16px}h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;margin-top:34px;"
    "border-bottom:1px solid #ddd;padding-bottom:4px}.sub{color:#666}.note{color:#555;max-width:860px}"
    "table{border-collapse:collapse;margin:8px 0}td,th{padding:4px 10px;border-bottom:1px solid #eee;"
    "text-align:left;vertical-align:middle}th{font-weight:600;color:#444}td.num{text-align:right;"
    "font-variant-numeric:tabular-nums}.dot{display:inline-block;width:10px;height:10px;border-radius:5px;"
    "margin-right:5px}.thumb{width:42px;height:42px;image-rendering:pixelated;margin:1px;border:1px solid #ccc}"
    ".gallery{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #ddd;border-radius:6px;padding:6px;"
    "width:150px;font-size:13px}.card .thumb{width:84px;height:84px}.verdict-real{color:#b2182b}"
    ".verdict-artefact{color:#7b3294}.verdict-hidden{color:#2166ac}img.plot{max-width:100%;height:auto}"
    ".fig{display:flex;gap:18px;flex-wrap:wrap}dl{display:grid;grid-template-columns:max-content auto;"
    "gap:2px 14px}dt{color:#666}dd{margin:0}#img-check{color:#b2182b}</style>\n";

/* Any image that fails to decode is named on the page (and the test reads this). */
static const char *image_check =
    "<script>window.addEventListener('load',function(){var bad=0,all=document.images;"
    "for(var i=0;i<all.length;i++)if(!all[i].complete||all[i].naturalWidth===0)bad++;"
    "document.body.setAttribute('data-images',all.length+' '+bad);"
    "if(bad)document.getElementById('img-check').textContent=bad+' of '+all.length+' images failed to load';"
    "});</script>\n";

static const char *verdict_class(ev_overlap_verdict v) {
  return v == EV_OVERLAP_REAL ? "verdict-real" : v == EV_OVERLAP_MAP_ARTEFACT ? "verdict-artefact"
                                           : v == EV_OVERLAP_HIDDEN         ? "verdict-hidden"
                                                                          : "";
}

static int section_pairs(doc *d, const ev_report *r, ev_error *err) {
  const ev_overlap *o = r->overlap;
  int c_n = o->n_classes, max = r->max_pairs;
  if (!o->n_pairs) {
    put(d, "<h2>Which classes overlap</h2>\n<p class=\"note\">There is only one class.</p>\n");
    return EV_OK;
  }
  put(d, "<h2>Which classes overlap</h2>\n<p class=\"note\">For each pair of classes, how much of each one's "
         "nearest neighbours (in the input space) belong to the other; the score is the geometric mean of the two "
         "shares, so it is high only when the classes mix both ways.  ");
  if (!isnan(o->pairs[0].map_score))
    put(d, "<b>real</b>: the classes mix in the input space and on the map; <b>map artefact</b>: they touch "
           "on the map only, the picture exaggerates; <b>hidden</b>: they mix in the input space but the map "
           "draws them apart.  ");
  put(d, "The pictures are the most mixed points of each pair.</p>\n<table><tr><th>#</th><th>pair</th>"
         "<th>score</th>");
  if (!isnan(o->pairs[0].map_score)) put(d, "<th>on the map</th><th>verdict</th>");
  put(d, "<th>k-NN errors a&rarr;b / b&rarr;a</th><th>most mixed points</th></tr>\n");
  for (int p = 0; p < o->n_pairs && p < max; p++) {
    const ev_overlap_pair *pr = &o->pairs[p];
    putf(d, "<tr><td>%d</td><td>", p + 1);
    put_class(d, r, pr->a);
    put(d, " &ndash; ");
    put_class(d, r, pr->b);
    putf(d, "</td><td class=\"num\">%.4f</td>", pr->score);
    if (!isnan(pr->map_score)) {
      putf(d, "<td class=\"num\">%.4f</td><td class=\"%s\">", pr->map_score, verdict_class(pr->verdict));
      put_text(d, ev_overlap_verdict_name(pr->verdict));
      put(d, "</td>");
    }
    putf(d, "<td class=\"num\">%lld / %lld</td><td>", (long long)o->confusion[(size_t)pr->a * c_n + pr->b],
         (long long)o->confusion[(size_t)pr->b * c_n + pr->a]);
    for (int e = 0; e < pr->n_examples; e++) {
      int rc = put_thumb(d, r, pr->examples[e], err);
      if (rc) return rc;
      if (!r->thumbs) putf(d, "%s%d", e ? ", " : "", pr->examples[e]);
    }
    put(d, "</td></tr>\n");
  }
  put(d, "</table>\n<p class=\"note\">The whole matrix: row <i>a</i>, column <i>b</i> is the mean share of "
         "class-<i>b</i> points among the neighbours of class-<i>a</i> points, in percent.</p>\n");
  return put_png(d, ev__draw_heatmap(o, r->labels), "class=\"plot\" alt=\"overlap heatmap\"", err);
}

static int section_suspects(doc *d, const ev_report *r, ev_error *err) {
  const ev_suspects *s = r->suspects;
  const ev_labels *lab = r->labels;
  int64_t labelled = lab->n - lab->n_missing, max = r->max_suspects;
  put(d, "<h2>Labels that look wrong</h2>\n");
  putf(d,
       "<p class=\"note\"><b>%lld</b> of %lld labelled points (%.2f%%) sit among neighbours of another class "
       "strongly enough to be suspects.  The score is how little of its neighbourhood (labels spread over the "
       "nearest-neighbour graph) agrees with the given label; how many to flag is estimated with per-class "
       "thresholds, as confident learning does.  Suspects are often mislabelled, sometimes just unusual: look "
       "at them.</p>\n",
       (long long)s->n_flagged, (long long)labelled, labelled ? 100.0 * (double)s->n_flagged / (double)labelled : 0);
  if (!s->n_flagged) return EV_OK;
  put(d, "<div class=\"gallery\">\n");
  for (int64_t q = 0; q < s->n_flagged && q < max; q++) {
    int32_t i = s->ranked[q];
    put(d, "<div class=\"card\">");
    int rc = put_thumb(d, r, i, err);
    if (rc) return rc;
    putf(d, "<div>point %d, score %.3f</div><div>given: ", i, s->score[i]);
    put_class(d, r, lab->codes[i]);
    put(d, "</div><div>looks like: ");
    put_class(d, r, s->suggested[i]);
    put(d, "</div></div>\n");
  }
  put(d, "</div>\n");
  if (s->n_flagged > max)
    putf(d, "<p class=\"note\">%lld more in <code>embview analyze --tsv</code>.</p>\n", (long long)(s->n_flagged - max));
  return EV_OK;
}

static void section_quality(doc *d, const ev_report *r) {
  const ev_map_quality *q = r->quality;
  put(d, "<h2>How faithful the map is</h2>\n");
  if (!q) {
    put(d, "<p class=\"note\">Not measured.</p>\n");
    return;
  }
  putf(d, "<table><tr><th>measure (k = %d)</th><th>value</th><th>what it says</th></tr>\n", q->k);
  putf(d, "<tr><td>trustworthiness</td><td class=\"num\">%.4f</td><td>neighbours on the map that are also near in "
          "the input space (1 = no false neighbours)</td></tr>\n", q->trustworthiness);
  putf(d, "<tr><td>continuity</td><td class=\"num\">%.4f</td><td>input-space neighbours kept near on the map "
          "(1 = nothing torn apart)</td></tr>\n", q->continuity);
  putf(d, "<tr><td>k-NN recall</td><td class=\"num\">%.4f</td><td>share of each point's %d nearest input-space "
          "neighbours that are also its %d nearest on the map</td></tr>\n", q->knn_recall, q->k, q->k);
  if (!isnan(q->knn_accuracy))
    putf(d, "<tr><td>k-NN accuracy on the map</td><td class=\"num\">%.4f</td><td>a point's label predicted by "
            "its map neighbours</td></tr>\n", q->knn_accuracy);
  put(d, "</table>\n");
  if (q->n_sampled < q->n_points)
    putf(d, "<p class=\"note\">Estimated on %lld random points of %lld (each one's ranks exact).</p>\n",
         (long long)q->n_sampled, (long long)q->n_points);
}

static void section_details(doc *d, const ev_report *r) {
  put(d, "<h2>Details</h2>\n<dl>\n");
  const char *s = r->details;
  while (s && *s) {
    const char *end = strchr(s, '\n');
    size_t len = end ? (size_t)(end - s) : strlen(s);
    const char *colon = memchr(s, ':', len);
    char line[1024];
    snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), s);
    if (colon && (size_t)(colon - s) < sizeof line) {
      line[colon - s] = 0;
      put(d, "<dt>");
      put_text(d, line);
      put(d, "</dt><dd>");
      const char *v = line + (colon - s) + 1;
      while (*v == ' ') v++;
      put_text(d, v);
      put(d, "</dd>\n");
    } else if (len) {
      put(d, "<dt></dt><dd>");
      put_text(d, line);
      put(d, "</dd>\n");
    }
    s = end ? end + 1 : s + len;
  }
  put(d, "</dl>\n");
}

ev_report ev_report_default(void) {
  ev_report r = {.max_pairs = 10, .max_suspects = 48};
  return r;
}

int ev_report_write_html(const char *path, const ev_report *r, ev_error *err) {
  if (!r->map || !r->labels || !r->overlap || !r->suspects)
    return ev__err(err, EV_EINVAL, "report: needs a map, labels, the overlap and the suspects");
  if (r->max_pairs < 0 || r->max_suspects < 0)
    return ev__err(err, EV_EINVAL, "report: max_pairs %d, max_suspects %d: expected 0 or more", r->max_pairs,
                   r->max_suspects);
  int64_t n = r->map->n_rows;
  if (r->labels->n != n || r->suspects->n_points != n || (r->thumbs && r->thumbs->n != n))
    return ev__err(err, EV_EMISMATCH, "report: the map has %lld points, the labels %lld, the suspects %lld%s",
                   (long long)n, (long long)r->labels->n, (long long)r->suspects->n_points,
                   r->thumbs && r->thumbs->n != n ? ", the thumbnails another count" : "");
  doc d = {.b = {.limit = (size_t)1 << 31}};
  put(&d, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>embview report: ");
  put_text(&d, r->title ? r->title : "");
  put(&d, "</title>\n");
  put(&d, style);
  put(&d, "</head><body>\n<h1>");
  put_text(&d, r->title ? r->title : "embview report");
  put(&d, "</h1>\n<div class=\"sub\">");
  put_text(&d, r->input_summary ? r->input_summary : "");
  put(&d, "</div><div id=\"img-check\"></div>\n");
  putf(&d, "<h2>The map (%s), coloured by ", r->method ? r->method : "");
  put_text(&d, r->label_column ? r->label_column : "label");
  put(&d, "</h2>\n");
  char title[256];
  snprintf(title, sizeof title, "%s of %lld points", r->method ? r->method : "map", (long long)n);
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, SCATTER_W, SCATTER_H);
  cairo_t *cr = cairo_create(s);
  ev__draw_scatter(cr, SCATTER_W, SCATTER_H, r->map, r->labels, title);
  cairo_destroy(cr);
  int rc = put_png(&d, s, "class=\"plot\" alt=\"the map coloured by class\"", err);
  if (!rc) rc = section_pairs(&d, r, err);
  if (!rc) rc = section_suspects(&d, r, err);
  if (!rc) {
    section_quality(&d, r);
    section_details(&d, r);
    put(&d, image_check);
    put(&d, "<p class=\"sub\">Written by embview.</p>\n</body></html>\n");
  }
  if (!rc && d.failed) rc = ev__err(err, EV_ENOMEM, "report %s: out of memory", path);
  if (rc) {
    ev__buf_free(&d.b);
    return rc;
  }
  ev__atomic at;
  rc = ev__atomic_begin(&at, path, "report", err);
  if (!rc) {
    if (fwrite(d.b.data, 1, d.b.len, at.fp) != d.b.len)
      rc = ev__atomic_fail(&at, "report", err);
    else
      rc = ev__atomic_commit(&at, "report", err);
  }
  ev__buf_free(&d.b);
  return rc;
}
