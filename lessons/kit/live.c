/* live.c - the live view of a training: live.html and its pictures (live.h). */
#include "lessons/kit/live.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/conv_layer.h"
#include "core/error.h"
#include "core/files.h"
#include "core/history.h"
#include "core/image.h"
#include "core/loss.h"
#include "core/plot.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/layers.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

LiveFlags live_flags;

#define LIVE_REFRESH 3      /* seconds between reloads of the page */
#define LIVE_EVERY 5.0      /* seconds between updates within an epoch */
#define LIVE_SHARE 0.01     /* the share of the training's time the view may take, apart from the
                               pictures after the last epoch */
#define LIVE_PICS 10        /* test pictures with their answers */
#define LIVE_ROWS 8         /* layers in live_layers.png */

enum { SHOW_FILTERS = 1, SHOW_ANSWERS = 2, SHOW_LAYERS = 4 };

/* One view per program: trainings follow one another into the same page. */
typedef struct {
    Notebook *nb;          /* the notebook being written (while a training runs) */
    char dir[4096];        /* its folder: the program's end writes there without nb */
    int files;             /* 1: write the page (not --no-live) */
    int term;              /* 1: draw the filters in the terminal */
    int announced;         /* the page's path was printed */
    /* the training being watched */
    char label[128];
    const Dataset *test;
    int run;               /* trainings watched so far */
    EpochStats *rows;      /* its history so far, copied */
    int nrows, cap;
    TrainWatchInfo at;     /* where it was at the last call */
    TrainWatchInfo pictures_at; /* and when the pictures were drawn */
    int shown;             /* SHOW_*: the pictures drawn of this training */
    int curves_rows;       /* epochs live_curves.png shows of this training (0: none) */
    int curves_broken;     /* gnuplot failed or is missing: no more tries */
    int version;           /* pictures written so far: ?v= in the page makes a reload fetch them */
    /* what the view costs */
    double spent;          /* seconds inside the view */
    double watched;        /* seconds of training between its calls */
    double last_end;       /* when the last call ended */
    double pictures_cost, curves_cost, page_cost; /* how long each piece took last time */
    int updates;
} Live;

static Live *live;

/* --- the first convolution's filters ------------------------------------------------- */

/* The first conv layer whose kernels are square: its weights (nf, k, k) of
 * input channel 0 copied into a new array, or NULL. */
static float *first_filters(Net *net, int *nf, int *k, const char **label)
{
    for (int i = 0; i < net->n; i++) {
        Conv2d *c = conv2d_of(net->layer[i]);
        if (!c || c->cfg.kh != c->cfg.kw) continue;
        const int K = c->cfg.kh, oc = c->cfg.out_channels, cin = net->layer[i]->in.c / c->cfg.groups;
        float *w = xcalloc((size_t)oc * K * K, sizeof *w);
        for (int f = 0; f < oc; f++)
            memcpy(w + (size_t)f * K * K, net->layer[i]->param[0].value + (size_t)f * cin * K * K,
                   (size_t)K * K * sizeof *w);
        *nf = oc, *k = K, *label = net->layer[i]->label;
        return w;
    }
    return NULL;
}

char *live_filters_text(const float *w, int nf, int k, int columns)
{
    if (!w || nf < 1 || k < 1) return NULL;
    static const char *const shade[5] = { "  ", "░░", "▒▒", "▓▓", "██" };
    const int cell = 2 * k + 2; /* a filter and two spaces */
    int per_row = columns > cell ? (columns + 2) / cell : 1;
    if (per_row > nf) per_row = nf;
    /* at most (k + 1) lines a row of filters, each per_row * (2k + 2)
     * characters of up to 3 bytes */
    const int nrow = (nf + per_row - 1) / per_row;
    const size_t size = (size_t)nrow * (size_t)(k + 1) * ((size_t)per_row * (size_t)cell * 3 + 2) + 1;
    char *s = malloc(size), *o = s;
    if (!s) return NULL;
    for (int r0 = 0; r0 < nf; r0 += per_row) {
        const int n = nf - r0 < per_row ? nf - r0 : per_row;
        for (int f = 0; f < n; f++) o += sprintf(o, "%-*d", f + 1 < n ? cell : 1, r0 + f + 1);
        *o++ = '\n';
        for (int y = 0; y < k; y++) {
            for (int f = 0; f < n; f++) {
                const float *v = w + (size_t)(r0 + f) * k * k;
                float a = 0.0f;
                for (int i = 0; i < k * k; i++) a = fmaxf(a, fabsf(v[i]));
                for (int x = 0; x < k; x++) {
                    /* -a .. a into the five shades, 0 the middle one */
                    int level = a > 0.0f ? (int)lroundf(2.0f + 2.0f * v[y * k + x] / a) : 2;
                    level = level < 0 ? 0 : level > 4 ? 4 : level;
                    o += sprintf(o, "%s", shade[level]);
                }
                if (f + 1 < n) o += sprintf(o, "  ");
            }
            *o++ = '\n';
        }
    }
    *o = '\0';
    return s;
}

int live_term_allowed(int flag, int fd) { return flag && isatty(fd); }

/* The terminal's width ($COLUMNS, else 80). */
static int term_columns(void)
{
    const char *c = getenv("COLUMNS");
    const int n = c ? atoi(c) : 0;
    return n >= 20 && n <= 1000 ? n : 80;
}

static void draw_in_terminal(Net *net, const TrainWatchInfo *at)
{
    int nf, k;
    const char *label;
    float *w = first_filters(net, &nf, &k, &label);
    if (!w) return;
    char *text = live_filters_text(w, nf, k, term_columns());
    if (text)
        fprintf(stderr, "%s after epoch %d: %d filters %dx%d (each on its own scale: dark negative, light positive)\n%s",
                label, at->epoch, nf, k, k, text);
    fflush(stderr);
    free(text);
    free(w);
}

/* --- the pictures ---------------------------------------------------------------------- */

static void write_filters(Net *net)
{
    int nf, k;
    const char *label;
    float *w = first_filters(net, &nf, &k, &label);
    if (!w) return;
    Sheet s = { 0 };
    const int scale = k <= 5 ? 16 : k <= 8 ? 10 : 7;
    char name[16];
    for (int f = 0; f < nf; f++) {
        snprintf(name, sizeof name, "%d", f + 1);
        sheet_add_filter(&s, k, w + (size_t)f * k * k, scale, name);
    }
    sheet_write(&s, live->nb, "live_filters.png", nf <= 16 ? nf : 16, 8, 2);
    free(w);
}

/* The layers worth drawing: each convolution or pooling with a picture for
 * an output (the activation right after it when there is one), at most
 * LIVE_ROWS. */
static int pick_layers(const Net *net, int *idx, const char **label)
{
    int n = 0;
    for (int i = 0; i < net->n && n < LIVE_ROWS; i++) {
        const char *kind = net->layer[i]->ops->kind;
        const int conv = conv2d_of(net->layer[i]) != NULL;
        if (!conv && strcmp(kind, "maxpool") && strcmp(kind, "avgpool") && strcmp(kind, "subsample")) continue;
        int j = i;
        if (i + 1 < net->n) {
            const char *next = net->layer[i + 1]->ops->kind;
            if (!strcmp(next, "relu") || !strcmp(next, "tanh") || !strcmp(next, "scaled_tanh") ||
                !strcmp(next, "sigmoid"))
                j = i + 1;
        }
        if (net->layer[j]->out.h < 2) continue;
        idx[n] = j;
        label[n] = net->layer[i]->label;
        n++;
    }
    return n;
}

/* Map m (h, w) into the gray image im at (x0, y0), lo black and hi white,
 * each value an s x s block. */
static void gray_map(CnImage *im, int x0, int y0, const float *m, int h, int w, int s, float lo, float hi)
{
    for (int y = 0; y < h * s; y++)
        for (int x = 0; x < w * s; x++) {
            if (y0 + y >= im->h || x0 + x >= im->w) continue;
            const float v = hi > lo ? (m[(y / s) * w + x / s] - lo) / (hi - lo) : 0.0f;
            im->data[(size_t)(y0 + y) * im->w + (x0 + x)] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        }
}

/* The first test picture of class 0 through the network: the input, then
 * up to LIVE_MAPS maps of each picked layer, about 50 pixels each, and the
 * answer. One gray picture, small enough to encode in a few milliseconds
 * (the notebook's figure of the same kind is many times larger). */
#define LIVE_MAPS 16
static void write_layers(Net *net)
{
    int idx[LIVE_ROWS];
    const char *label[LIVE_ROWS];
    const int n = pick_layers(net, idx, label);
    const int K = net_out_shape(net).c;
    if (n < 1 || K > 64) return;
    const Dataset *ds = live->test;
    const int index = first_of_class(ds, 0);
    float *x = xcalloc(shape_size(net->in), sizeof *x), prob[64];
    const int pred = predict_one(net, ds, index, x, prob);
    enum { LEFT = 130, G = 6, CELL = 56, ROWH = CELL + 2 * G };
    CnImage *im = image_create(1, (n + 2) * ROWH, LEFT + LIVE_MAPS * (CELL + G));
    CN_CHECK(im);
    for (size_t i = 0; i < (size_t)im->h * im->w; i++) im->data[i] = 0.16f;
    const float white[3] = { 1, 1, 1 }, dim[3] = { 0.65f, 0.65f, 0.65f };
    char buf[96];
    /* the input, as pixels 0..1 */
    const int ph = ds->height, pw = ds->width;
    float *px = xcalloc((size_t)ph * pw, sizeof *px);
    for (int i = 0; i < ph * pw; i++) px[i] = dataset_image(ds, index)[i] / 255.0f;
    image_draw_text(im, G, G + 4, "input", 1, white);
    snprintf(buf, sizeof buf, "%dx%d", ph, pw);
    image_draw_text(im, G, G + 16, buf, 1, dim);
    gray_map(im, LEFT, G, px, ph, pw, (CELL + ph - 1) / ph, 0.0f, 1.0f);
    free(px);
    for (int r = 0; r < n; r++) {
        const CnShape sh = net->layer[idx[r]]->out;
        const float *d = net_output(net, idx[r]);
        const size_t plane = (size_t)sh.h * sh.w, nv = (size_t)sh.c * plane;
        float lo = 0.0f, hi = 0.0f;
        for (size_t i = 0; i < nv; i++) lo = fminf(lo, d[i]), hi = fmaxf(hi, d[i]);
        const int y0 = (r + 1) * ROWH + G, scale = (CELL + sh.h - 1) / sh.h;
        image_draw_text(im, G, y0 + 4, label[r], 1, white);
        snprintf(buf, sizeof buf, "%d maps %dx%d", sh.c, sh.h, sh.w);
        image_draw_text(im, G, y0 + 16, buf, 1, dim);
        if (sh.c > LIVE_MAPS) {
            snprintf(buf, sizeof buf, "(the first %d)", LIVE_MAPS);
            image_draw_text(im, G, y0 + 28, buf, 1, dim);
        }
        for (int c = 0; c < sh.c && c < LIVE_MAPS; c++)
            gray_map(im, LEFT + c * (CELL + G), y0, d + (size_t)c * plane, sh.h, sh.w, scale > 1 ? scale : 1, lo, hi);
    }
    const int y0 = (n + 1) * ROWH + G;
    image_draw_text(im, G, y0 + 4, "answer", 1, white);
    snprintf(buf, sizeof buf, "%s, %.0f%% (the picture is %s)",
             ds->class_names ? ds->class_names[pred] : "?", 100.0 * prob[pred],
             ds->class_names ? ds->class_names[ds->labels[index]] : "?");
    image_draw_text(im, LEFT, y0 + 4, buf, 2, pred == ds->labels[index] ? white : dim);
    write_png(live->nb, "live_layers.png", im);
    image_free(im);
    free(x);
}

/* A test picture of each class (up to LIVE_PICS), and the network's answer
 * under it: green when right, red when wrong, with its probability. */
static void write_answers(Net *net)
{
    const Dataset *ds = live->test;
    const int K = net_out_shape(net).c, H = ds->height, W = ds->width;
    const int n = K < LIVE_PICS ? K : LIVE_PICS;
    if (K > 64 || n < 1) return;
    const size_t in = shape_size(net->in);
    float *x = xcalloc((size_t)n * in, sizeof *x);
    int pick[LIVE_PICS];
    for (int i = 0; i < n; i++) {
        pick[i] = first_of_class(ds, i);
        net_input_from_u8(net, x + (size_t)i * in, dataset_image(ds, pick[i]), in);
    }
    const float *z = net_forward(net, x, n);
    CN_CHECK(z);
    enum { S = 3, PAD = 8 };
    int cw = W * S + 2 * PAD;
    for (int c = 0; c < n; c++) {
        const char *name = ds->class_names ? ds->class_names[c] : "";
        if (image_text_width(name, 1) + 2 * PAD > cw) cw = image_text_width(name, 1) + 2 * PAD;
    }
    if (cw < 96) cw = 96;
    CnImage *im = canvas(H * S + 2 * PAD + 30, n * cw);
    float *px = xcalloc((size_t)H * W, sizeof *px);
    char buf[96];
    for (int i = 0; i < n; i++) {
        const float *zi = z + (size_t)i * K;
        /* softmax, shifted by the largest logit */
        float top = zi[0], sum = 0.0f;
        for (int k = 1; k < K; k++) top = fmaxf(top, zi[k]);
        for (int k = 0; k < K; k++) sum += expf(zi[k] - top);
        const int pred = cn_argmax(zi, K), truth = ds->labels[pick[i]];
        const unsigned char *p = dataset_image(ds, pick[i]);
        for (int j = 0; j < H * W; j++) px[j] = p[j] / 255.0f;
        const int x0 = i * cw + (cw - W * S) / 2;
        blit_map(im, x0, PAD, px, H, W, S, 0.0f, 1.0f);
        const char *const *names = ds->class_names;
        snprintf(buf, sizeof buf, "%s", names ? names[truth] : "");
        if (!names) snprintf(buf, sizeof buf, "%d", truth);
        text_centred(im, i * cw + cw / 2, H * S + PAD + 4, buf, DIM);
        if (names)
            snprintf(buf, sizeof buf, "%s %.0f%%", pred == truth ? "right" : names[pred], 100.0 / sum);
        else
            snprintf(buf, sizeof buf, "%d %.0f%%", pred, 100.0 / sum);
        text_centred(im, i * cw + cw / 2, H * S + PAD + 16, buf, pred == truth ? GREEN : RED);
    }
    write_png(live->nb, "live_answers.png", im);
    image_free(im);
    free(px);
    free(x);
}

/* --- the curves -------------------------------------------------------------------------- */

/* s into buf for a gnuplot string in single quotes (a ' doubled). */
static void gp_quote(char *buf, size_t size, const char *s)
{
    size_t o = 0;
    for (; *s && o + 3 < size; s++) {
        if (*s == '\'') buf[o++] = '\'';
        buf[o++] = *s;
    }
    buf[o] = '\0';
}

/* live_history.dat and live_curves.png from the rows so far; gnuplot draws
 * into a temporary file that is then renamed over the picture. */
static void write_curves(void)
{
    char dat[4200], tmp[4200], png[4200], qd[4400], qt[4400], ql[300], params[9400];
    snprintf(dat, sizeof dat, "%s/live_history.dat", live->dir);
    snprintf(png, sizeof png, "%s/live_curves.png", live->dir);
    snprintf(tmp, sizeof tmp, "%s/live_curves.tmp%ld.png", live->dir, (long)getpid());
    const TrainHistory h = { .n = live->nrows, .cap = live->cap, .e = live->rows };
    if (train_history_write(&h, dat) != 0) {
        fprintf(stderr, "live view: %s; no more curves\n", cn_last_error());
        live->curves_broken = 1;
        return;
    }
    gp_quote(qd, sizeof qd, dat);
    gp_quote(qt, sizeof qt, tmp);
    gp_quote(ql, sizeof ql, live->label);
    snprintf(params, sizeof params, "datafile='%s'; outfile='%s'; plottitle='%s'", qd, qt, ql);
    const int rc = plot_gnuplot("live.gp", params, tmp);
    if (rc == PLOT_OK && rename(tmp, png) == 0) {
        live->curves_rows = live->nrows;
        return;
    }
    remove(tmp);
    live->curves_broken = 1;
    if (rc != PLOT_DATA_ONLY) fprintf(stderr, "live view: the curves were not drawn: %s\n", cn_last_error());
}

/* --- the page ---------------------------------------------------------------------------- */

static const char LIVE_STYLE[] =
    "body{font:15px/1.45 system-ui,sans-serif;max-width:100rem;margin:1rem auto;padding:0 1rem;color:#1d232b}"
    "h1{font-size:1.5rem;margin:.3rem 0}h2{font-size:1.1rem;margin:1.2rem 0 .4rem}"
    ".status{background:#eef2f6;border-left:4px solid #1f5fa8;padding:.4rem .7rem}"
    ".done{border-left-color:#1a7f37}img{max-width:100%;border:1px solid #d0d7de;background:#2b3440}"
    "table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #d0d7de;padding:.1rem .5rem;"
    "text-align:right}.note{color:#57606a;font-size:.9rem}\n";

static void page_picture(FILE *f, const char *title, const char *file, const char *note)
{
    fprintf(f, "<h2>%s</h2>\n<img src=\"%s?v=%d\" alt=\"%s\">\n", title, file, live->version, title);
    if (note) fprintf(f, "<p class=\"note\">%s</p>\n", note);
}

/* Text for the page: < > & escaped. */
static void page_text(FILE *f, const char *s)
{
    for (; *s; s++) fputs(*s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : (char[2]){ *s, 0 }, f);
}

static void write_page(int finished)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return;
    const TrainWatchInfo *at = &live->at;
    char a[32], b[32], when[16];
    const time_t now = time(NULL);
    strftime(when, sizeof when, "%H:%M:%S", localtime(&now));
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", f);
    if (!finished) fprintf(f, "<meta http-equiv=\"refresh\" content=\"%d\">\n", LIVE_REFRESH);
    fputs("<title>", f);
    page_text(f, live->label);
    fprintf(f, " — epoch %d of %d</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Watching ", at->epoch, at->epochs,
            LIVE_STYLE);
    page_text(f, live->label);
    fputs(" learn</h1>\n", f);
    if (finished)
        fprintf(f, "<p class=\"status done\">The lesson has finished: this is the network as its training left it, "
                   "after epoch %d of %d (page written %s). The lesson's story, with every result, is in "
                   "<a href=\"notebook.html\">notebook.html</a>.</p>\n", at->epoch, at->epochs, when);
    else if (at->moment == TRAIN_IN_EPOCH)
        fprintf(f, "<p class=\"status\">Epoch %d of %d: %s of %s training images so far, mean loss %.4f. Updated %s; "
                   "this page reloads itself every %d s.</p>\n", at->epoch, at->epochs, commas(a, at->done),
                commas(b, at->total), at->loss, when, LIVE_REFRESH);
    else
        fprintf(f, "<p class=\"status\">%s %d of %d epochs done. Updated %s; this page reloads itself every %d s.</p>\n",
                at->moment == TRAIN_STARTING ? "Training starts:" : "Training:", at->epoch, at->epochs, when,
                LIVE_REFRESH);
    if (live->curves_rows > 0)
        page_picture(f, "Loss and accuracy so far", "live_curves.png",
                     live->curves_rows < live->nrows ? "(drawn a few epochs ago: the curves are redrawn when it costs "
                                                       "the training little, and at the end)" : NULL);
    else
        fputs("<h2>Loss and accuracy so far</h2>\n<p class=\"note\">The curves are drawn after an epoch once the "
              "training has run long enough to pay for a gnuplot run, and at the end of the lesson; the table below "
              "has every epoch at once.</p>\n", f);
    if (live->nrows > 0) {
        fputs("<table>\n<tr><th>epoch</th><th>training loss</th><th>training accuracy</th><th>test loss</th>"
              "<th>test accuracy</th><th>seconds</th><th>images/s</th></tr>\n", f);
        for (int e = 0; e < live->nrows; e++) {
            const EpochStats *s = &live->rows[e];
            fprintf(f, "<tr><td>%d</td><td>%.4f</td><td>%.2f%%</td><td>%.4f</td><td>%.2f%%</td><td>%.1f</td>"
                       "<td>%s</td></tr>\n", s->epoch, s->train_loss, 100 * s->train_acc, s->test_loss,
                    100 * s->test_acc, s->seconds, commas(a, s->images_per_s));
        }
        fputs("</table>\n", f);
    }
    const TrainWatchInfo *pa = &live->pictures_at;
    if (!live->shown)
        fputs("<p class=\"note\">The pictures of the network (its filters, its answers, one test picture through its "
              "layers) appear once the training has run long enough to pay for drawing them: the view takes about 1% "
              "of the training's time.</p>\n", f);
    else if (live->shown && pa->moment == TRAIN_IN_EPOCH)
        fprintf(f, "<p class=\"status\">The pictures below show the network during epoch %d, after %s of its %s "
                   "training images.</p>\n", pa->epoch, commas(a, pa->done), commas(b, pa->total));
    else if (live->shown)
        fprintf(f, "<p class=\"status\">The pictures below show the network after epoch %d.</p>\n", pa->epoch);
    if (live->shown & SHOW_FILTERS)
        page_picture(f, "The first layer's filters now", "live_filters.png",
                     "Each filter on its own scale: mid-gray 0, white its largest weight, black its most negative. "
                     "From random noise at the start, they turn into detectors of edges and strokes.");
    if (live->shown & SHOW_ANSWERS)
        page_picture(f, "Test pictures and the network's answers now", "live_answers.png",
                     "The first test picture of each class: its class, then the network's answer and its "
                     "probability (green right, red wrong).");
    if (live->shown & SHOW_LAYERS)
        page_picture(f, "One test picture through the layers now", "live_layers.png",
                     "Maps of each convolution (after its activation) and pooling, each layer black at its smallest "
                     "value (0 at most) and white at its largest.");

    fputs("<p class=\"note\">Plain files written by the lesson while it trains (each written whole and renamed "
          "into place, so a picture is never half drawn); nothing runs but this page.</p>\n"
          "<script>window.addEventListener('load',function(){var im=document.images,ok=0;"
          "for(var i=0;i<im.length;i++)if(im[i].complete&&im[i].naturalWidth>0)ok++;"
          "document.body.setAttribute('data-images',ok+' of '+im.length+' loaded');});</script>\n"
          "</body>\n</html>\n", f);
    if (fclose(f) == 0) {
        char path[4200];
        snprintf(path, sizeof path, "%s/live.html", live->dir);
        if (cn_file_write_atomic(path, buf, len) != 0) fprintf(stderr, "live view: %s\n", cn_last_error());
    }
    free(buf);
}

/* --- the watcher --------------------------------------------------------------------------- */

static void keep_rows(const TrainHistory *h)
{
    if (h->n > live->cap) {
        live->cap = h->n * 2;
        EpochStats *r = realloc(live->rows, (size_t)live->cap * sizeof *r);
        if (!r) CN_DIE("out of memory");
        live->rows = r;
    }
    if (h->n > 0) memcpy(live->rows, h->e, (size_t)h->n * sizeof *h->e);
    live->nrows = h->n;
}

/* A piece of the view: drawn when its last cost still fits in the share. */
static int fits(double cost, double t0)
{
    return live->spent + (now_s() - t0) + cost <= LIVE_SHARE * live->watched;
}

static void on_watch(Net *net, const TrainHistory *h, const TrainWatchInfo *at, void *ctx)
{
    (void)ctx;
    const double t0 = now_s();
    const int start = at->moment == TRAIN_STARTING, epoch_done = at->moment == TRAIN_EPOCH_DONE;
    if (!start) live->watched += t0 - live->last_end;
    live->at = *at;
    keep_rows(h);
    if (live->term && epoch_done) draw_in_terminal(net, at);
    if (live->files) {
        /* Atomic for the browser, without the fsyncs (cn_file_sync), PNGs
         * encoded for speed (image_png_quick): the files are redrawn in a
         * few seconds anyway. */
        const int was = cn_file_sync(0), was_quick = image_png_quick(1);
        int changed = 0;
        /* the pictures (small, a few tens of milliseconds) after the last
         * epoch (or at the start of a training that has nothing left to
         * do: a finished one reused), and before it whenever they fit */
        const int last = (epoch_done || start) && at->epoch == at->epochs;
        if (last || (!start && fits(live->pictures_cost, t0))) {
            const double c0 = now_s();
            write_filters(net);
            if (live->test) {
                write_answers(net);
                write_layers(net);
            }
            live->pictures_cost = now_s() - c0;
            live->shown |= SHOW_FILTERS | (live->test ? SHOW_ANSWERS | SHOW_LAYERS : 0);
            live->pictures_at = *at;
            changed = 1;
        }
        /* a gnuplot run: after an epoch, when it fits with room left for
         * the next pictures */
        if (epoch_done && !live->curves_broken && fits(live->curves_cost + live->pictures_cost, t0)) {
            const double c0 = now_s();
            write_curves();
            live->curves_cost = now_s() - c0;
            changed = 1;
        }
        live->version += changed;
        if (start || changed || fits(live->page_cost, t0)) {
            const double c0 = now_s();
            write_page(0);
            live->page_cost = now_s() - c0;
        }
        cn_file_sync(was);
        image_png_quick(was_quick);
    }
    live->updates++;
    live->last_end = now_s();
    live->spent += live->last_end - t0;
}

/* When the program ends: the last curves if they were not drawn, the page
 * without its reload, and what the view cost. */
void live_finish(void)
{
    if (!live || !live->run) return;
    if (live->files) {
        const int was = cn_file_sync(0);
        if (!live->curves_broken && live->nrows > 0 && live->curves_rows < live->nrows) write_curves();
        write_page(1);
        cn_file_sync(was);
    }
    if (live->watched > 0)
        fprintf(stderr, "live view: %d updates took %.2f s, %.1f%% of the %.1f s of training watched%s%s%s\n",
                live->updates, live->spent, 100.0 * live->spent / live->watched, live->watched,
                live->files ? "; the page: " : "", live->files ? live->dir : "", live->files ? "/live.html" : "");
    free(live->rows);
    free(live);
    live = NULL;
}

void live_watch(Notebook *nb, TrainConfig *cfg, const char *label, const Dataset *test)
{
    const int files = !live_flags.off, term = live_term_allowed(live_flags.term, STDERR_FILENO);
    static int said; /* once a program */
    if (live_flags.term && !term && !said++)
        fprintf(stderr, "--live-term: stderr is not a terminal, so the filters are not drawn there\n");
    if (!files && !term) return;
    if (!live) {
        live = xcalloc(1, sizeof *live);
        live->curves_cost = 0.25; /* guesses until they are first drawn */
        live->pictures_cost = 0.05;
        atexit(live_finish);
    }
    live->nb = nb;
    snprintf(live->dir, sizeof live->dir, "%s", nb_dir(nb));
    live->files = files;
    live->term = term;
    snprintf(live->label, sizeof live->label, "%s", label);
    live->test = test;
    live->run++;
    live->shown = 0;
    live->curves_rows = 0;
    live->nrows = 0;
    cfg->watch = on_watch;
    cfg->watch_ctx = live;
    cfg->watch_seconds = LIVE_EVERY;
    if (files && !live->announced) {
        fprintf(stderr, "live view of the training: file://%s/live.html (reloads itself every %d s; --no-live: "
                        "none)\n", live->dir, LIVE_REFRESH);
        live->announced = 1;
    }
}
