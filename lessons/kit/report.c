/* report.c - the lesson kit's notebook pieces (report.h). */
#include "lessons/kit/report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core/die.h"
#include "core/error.h"
#include "core/loss.h"
#include "core/plot.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/goals.h"
#include "lessons/lesson.h"

/* --- the architecture table ------------------------------------------------------------ */

void architecture_table(Notebook *nb, const Net *net, const ArchTable *t)
{
    const int cols = t->connections ? 7 : 6;
    const char *hdr7[] = { "layer", "what", "output", "parameters", "multiply-adds", "connections", "receptive field" };
    const char *hdr6[] = { "layer", "what", "output", "parameters", "multiply-adds", "receptive field" };
    const int rows = net->n + 2;
    const char **cells = xcalloc((size_t)rows * (size_t)cols, sizeof *cells);
    char (*txt)[7][64] = xcalloc((size_t)rows, sizeof *txt);
    double conns = 0.0, madds = 0.0;
    int r = 0;
    snprintf(txt[r][0], 64, "input");
    snprintf(txt[r][1], 64, "%s", t->input_what);
    snprintf(txt[r][2], 64, "%dx%dx%d", net->in.c, net->in.h, net->in.w);
    snprintf(txt[r][3], 64, "–");
    snprintf(txt[r][4], 64, "–");
    snprintf(txt[r][5], 64, "–");
    snprintf(txt[r][6], 64, "%s", t->input_field);
    r++;
    for (int i = 0; i < net->n; i++, r++) {
        const Layer *L = net->layer[i];
        /* Connections as the paper counts them: every multiply-add, plus one
         * bias per output unit of a layer with parameters. */
        const double c = L->nparam ? L->madds + (double)shape_size(L->out) : 0.0;
        conns += c;
        if (L->nparam) madds += L->madds;
        const int show_madds = L->madds > 0 && (L->nparam || !t->weights_only);
        RecField rf = net_receptive_field(net, i);
        char a[32], b[32], cc[32];
        snprintf(txt[r][0], 64, "%s", L->label);
        t->describe(txt[r][1], 48, L);
        snprintf(txt[r][2], 64, "%dx%dx%d", L->out.c, L->out.h, L->out.w);
        snprintf(txt[r][3], 64, "%s", L->nparam ? commas(a, (double)layer_param_count(L)) : "–");
        snprintf(txt[r][4], 64, "%s", show_madds ? commas(b, L->madds) : "–");
        snprintf(txt[r][5], 64, "%s", c > 0 ? commas(cc, c) : "–");
        if (rf.whole)
            snprintf(txt[r][6], 64, "all");
        else
            snprintf(txt[r][6], 64, "%dx%d", rf.size, rf.size);
    }
    char a[32], b[32], cc[32];
    snprintf(txt[r][0], 64, "total");
    snprintf(txt[r][1], 64, "%d layers", net->n);
    snprintf(txt[r][2], 64, "%d classes", net_out_shape(net).c);
    snprintf(txt[r][3], 64, "%s", commas(a, (double)net_param_count(net)));
    snprintf(txt[r][4], 64, "%s", commas(b, t->weights_only ? madds : net_madds(net)));
    snprintf(txt[r][5], 64, "%s", commas(cc, conns));
    snprintf(txt[r][6], 64, " ");
    for (int i = 0; i < rows; i++)
        for (int j = 0, o = 0; j < 7; j++) {
            if (!t->connections && j == 5) continue;
            cells[i * cols + o++] = txt[i][j];
        }
    nb_table(nb, t->connections ? hdr7 : hdr6, cells, rows, cols);
    free(cells);
    free(txt);
}

/* --- a table filled cell by cell ------------------------------------------------------ */


int lesson_end(Notebook *nb)
{
    const int missed = lesson_goals_missed();
    if (missed)
        nb_para(nb, "%d claim%s not reached with these settings (marked ◦); at the lesson's default settings "
                    "%s a checked claim.", missed, missed == 1 ? " was" : "s were", missed == 1 ? "it is" : "each is");
    lesson_your_turn(nb);
    int failed = nb_close(nb);
    CN_CHECK(failed >= 0);
    return failed == 0 ? 0 : 1;
}

void network_summary(Notebook *nb, const Net *net)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) CN_DIE("open_memstream failed: out of memory");
    CN_CHECK(net_summary(net, f) == 0);
    if (fclose(f) != 0) CN_DIE("writing the network summary failed");
    nb_code(nb, text);
    free(text);
}

const char *first_numbers(char *buf, size_t size, const float *v, int n, int total)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && i < total && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%+.4f", i ? ", " : "", (double)v[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
    if (total > n && used < size) snprintf(buf + used, size - used, ", ... (%d numbers)", total);
    return buf;
}

void row_text(char *buf, size_t size, const float *v, int n, int decimals, int width)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%*.*f", i && !width ? " " : "", width, decimals, (double)v[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

void text_preview(Notebook *nb, const char *dat, const char *title)
{
    char *ascii = plot_lines_ascii(nb_path(nb, dat), title, 76, 18);
    if (ascii) {
        nb_code(nb, ascii);
        free(ascii);
    } else {
        nb_para(nb, "(No text preview: %s)", cn_last_error());
    }
}

Tab tab_new(int rows, int cols)
{
    Tab t = { rows, cols, xcalloc((size_t)rows * (size_t)cols, sizeof *t.cell) };
    return t;
}

void tab_set(Tab *t, int r, int c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->cell[r * t->cols + c], sizeof t->cell[0], fmt, ap);
    va_end(ap);
}

void tab_row(Tab *t, int r, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    const char *p = line;
    for (int c = 0; c < t->cols; c++) {
        const char *tab = strchr(p, '\t');
        const int n = tab ? (int)(tab - p) : (int)strlen(p);
        tab_set(t, r, c, "%.*s", n, p);
        p += tab ? n + 1 : n;
    }
}

void tab_show(Notebook *nb, Tab *t, const char *const *header)
{
    const char **cells = xcalloc((size_t)t->rows * (size_t)t->cols, sizeof *cells);
    for (int i = 0; i < t->rows * t->cols; i++) cells[i] = t->cell[i];
    nb_table(nb, header, cells, t->rows, t->cols);
    free(cells);
    free(t->cell);
    t->cell = NULL;
}

/* --- one picture through a network ------------------------------------------------------ */

int predict_one(Net *net, const Dataset *ds, int index, float *x, float *prob)
{
    const size_t in = shape_size(net->in);
    net_input_from_u8(net, x, dataset_image(ds, index), in);
    const float *logits = net_forward(net, x, 1);
    CN_CHECK(logits);
    const int K = net_out_shape(net).c;
    unsigned char lab = ds->labels[index];
    softmax_ce_forward(prob, logits, &lab, 1, K);
    return cn_argmax(prob, K);
}

double accuracy_of(Net *net, const float *x, const unsigned char *y, int n)
{
    const size_t in = shape_size(net->in);
    const int K = (int)shape_size(net_out_shape(net));
    int right = 0;
    for (int s = 0; s < n; s += 100) {
        int B = n - s < 100 ? n - s : 100;
        const float *z = net_forward(net, x + (size_t)s * in, B);
        CN_CHECK(z);
        for (int i = 0; i < B; i++) right += cn_argmax(z + (size_t)i * K, K) == y[s + i];
    }
    return (double)right / n;
}

int widest_text(const char *const *texts, int n)
{
    int w = 0;
    for (int k = 0; k < n; k++)
        if (image_text_width(texts[k], 1) > w) w = image_text_width(texts[k], 1);
    return w;
}

void class_bars(CnImage *im, int x, int y, const char *const *names, const float *prob, int K, int truth, int pred,
                int label_w, const BarLayout *b)
{
    for (int k = 0; k < K; k++) {
        const int yy = y + k * b->row_h;
        const float *col = k == pred ? (pred == truth ? GREEN : RED) : (k == truth ? GREEN : WHITE);
        text_at(im, x, yy + b->text_dy, names[k], col);
        const int bw = (int)lroundf((float)b->bar_len * prob[k]);
        fill_rect(im, x + label_w + b->gap, yy + b->bar_dy, bw > 0 ? bw : 1, b->bar_h, k == pred ? col : BAR);
        char pct[16];
        snprintf(pct, sizeof pct, "%.*f%%", b->decimals, 100.0 * prob[k]);
        text_at(im, x + label_w + b->gap + b->bar_len + b->gap, yy + b->text_dy, pct, DIM);
    }
}

/* --- curves per epoch ------------------------------------------------------------------ */

double epoch_value(const Curve *c, int e)
{
    if (c->what == LEVEL) return c->level;
    if (e >= c->h->n) return NAN;
    const EpochStats *s = &c->h->e[e];
    switch (c->what) {
    case TRAIN_LOSS: return s->train_loss;
    case TEST_LOSS: return s->test_loss;
    case TRAIN_ACC: return s->train_acc;
    case TEST_ACC: return s->test_acc;
    case TEST_ACC_PERCENT: return 100.0 * s->test_acc;
    case TRAIN_ERROR: return 1.0 - s->train_acc;
    case TEST_ERROR: return 1.0 - s->test_acc;
    default: return NAN;
    }
}

/* style 0: plain; 1: in (training, test) pairs; 2: pairs on a log y axis */
static void epoch_curves(Notebook *nb, const char *png, const char *title, const char *xlab, const char *ylab,
                         const Curve *c, int n, int style)
{
    int epochs = 0;
    for (int k = 0; k < n; k++)
        if (c[k].h && c[k].h->n > epochs) epochs = c[k].h->n;
    double *x = xcalloc((size_t)epochs, sizeof *x);
    double **y = xcalloc((size_t)n, sizeof *y);
    const char **names = xcalloc((size_t)n, sizeof *names);
    for (int k = 0; k < n; k++) {
        y[k] = xcalloc((size_t)epochs, sizeof **y);
        names[k] = c[k].name;
        for (int e = 0; e < epochs; e++) y[k][e] = epoch_value(&c[k], e);
    }
    for (int e = 0; e < epochs; e++) x[e] = e + 1;
    char pngp[4096], dat[256];
    snprintf(dat, sizeof dat, "%.*s.dat", (int)(strlen(png) - 4), png);
    snprintf(pngp, sizeof pngp, "%s", nb_path(nb, png));
    const double *const *yc = (const double *const *)y;
    if (style)
        CN_CHECK(plot_lines_pairs(pngp, nb_path(nb, dat), title, xlab, ylab, names, x, yc, n, epochs, style == 2) >= 0);
    else
        CN_CHECK(plot_lines(pngp, nb_path(nb, dat), title, xlab, ylab, names, x, yc, n, epochs) >= 0);
    for (int k = 0; k < n; k++) free(y[k]);
    free(y);
    free(names);
    free(x);
}

void draw_epoch_curves(Notebook *nb, const char *png, const char *title, const char *xlab, const char *ylab,
                       const Curve *c, int n)
{
    epoch_curves(nb, png, title, xlab, ylab, c, n, 0);
}

void draw_epoch_pairs(Notebook *nb, const char *png, const char *title, const char *xlab, const char *ylab,
                      const Curve *c, int n, int logy)
{
    epoch_curves(nb, png, title, xlab, ylab, c, n, logy ? 2 : 1);
}

/* Insertion sort of n doubles, ascending: stable, and enough for a few dozen. */
static void sort_ascending(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            const double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

double median_images_per_s(const TrainHistory *h)
{
    double *v = xcalloc((size_t)h->n, sizeof *v);
    for (int e = 0; e < h->n; e++) v[e] = h->e[e].images_per_s;
    sort_ascending(v, h->n);
    const double m = v[h->n / 2];
    free(v);
    return m;
}

double mean_images_per_s(const TrainHistory *h)
{
    double m = 0.0;
    for (int e = 0; e < h->n; e++) m += h->e[e].images_per_s / h->n;
    return m;
}

int best_test_epoch(const TrainHistory *h, double *best)
{
    int best_e = 0;
    *best = 0.0;
    for (int e = 0; e < h->n; e++)
        if (h->e[e].test_acc > *best) *best = h->e[e].test_acc, best_e = e + 1;
    return best_e;
}

double accuracy_on(Net *net, const Dataset *ds, int n)
{
    EvalResult ev = { 0 };
    CN_CHECK(net_evaluate(net, ds, n, &ev) == 0);
    const double acc = ev.accuracy;
    train_eval_result_free(&ev);
    return acc;
}

int first_of_class(const Dataset *ds, int c)
{
    for (int i = 0; i < ds->count; i++)
        if (ds->labels[i] == c) return i;
    return 0;
}

double peak_memory_mib(void)
{
    struct rusage ru;
    CN_CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
    return (double)ru.ru_maxrss / 1024.0;
}

/* --- confusions ------------------------------------------------------------------------ */

int confusion_right(const EvalResult *ev)
{
    int right = 0;
    for (int t = 0; t < ev->nclasses; t++) right += ev->confusion[t * ev->nclasses + t];
    return right;
}

void confusion_heatmap(Notebook *nb, const EvalResult *ev, const char *const *names, const char *png,
                       const char *title)
{
    const int K = ev->nclasses;
    double *cm = xcalloc((size_t)K * K, sizeof *cm);
    for (int i = 0; i < K * K; i++) cm[i] = ev->confusion[i];
    char pngp[4096], dat[256];
    snprintf(dat, sizeof dat, "%.*s.dat", (int)(strlen(png) - 4), png);
    snprintf(pngp, sizeof pngp, "%s", nb_path(nb, png));
    CN_CHECK(plot_confusion(pngp, nb_path(nb, dat), title, cm, K, names) >= 0);
    free(cm);
}

void class_accuracy_table(Notebook *nb, const EvalResult *ev, const char *const *names, int *order, double *acc)
{
    const int K = ev->nclasses;
    int *tot = xcalloc((size_t)K, sizeof *tot);
    for (int k = 0; k < K; k++) {
        for (int j = 0; j < K; j++) tot[k] += ev->confusion[k * K + j];
        acc[k] = tot[k] ? (double)ev->confusion[k * K + k] / tot[k] : 0.0;
        order[k] = k;
    }
    for (int i = 1; i < K; i++) /* worst first; equal accuracies in class order */
        for (int j = i; j > 0 && acc[order[j - 1]] > acc[order[j]]; j--) {
            const int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    Tab t = tab_new(K, 4);
    for (int r = 0; r < K; r++) {
        const int k = order[r];
        int wj = -1, wn = 0;
        for (int j = 0; j < K; j++)
            if (j != k && ev->confusion[k * K + j] > wn) wn = ev->confusion[k * K + j], wj = j;
        tab_set(&t, r, 0, "%s", names[k]);
        tab_set(&t, r, 1, "%d / %d", ev->confusion[k * K + k], tot[k]);
        tab_set(&t, r, 2, "%.3f", acc[k]);
        if (wj >= 0)
            tab_set(&t, r, 3, "%s (%d)", names[wj], wn);
        else
            tab_set(&t, r, 3, "–");
    }
    const char *hdr[] = { "class", "right", "accuracy", "most often mistaken for" };
    tab_show(nb, &t, hdr);
    free(tot);
}

/* --- mistakes ------------------------------------------------------------------------ */

typedef struct {
    int i;
    float p;
} Mistake;

/* Most confident first; equal confidences in the test set's order. */
static int by_confidence(const void *a, const void *b)
{
    const Mistake *x = a, *y = b;
    if (x->p != y->p) return x->p < y->p ? 1 : -1;
    return x->i - y->i;
}

int mistakes_grid(Notebook *nb, const EvalResult *ev, const Dataset *ds, const char *file, int most, const char *none,
                  int *shown)
{
    const int K = ev->nclasses;
    Mistake *m = xcalloc((size_t)ev->n, sizeof *m);
    int nm = 0;
    for (int i = 0; i < ev->n; i++)
        if (ev->pred[i] != ds->labels[i]) m[nm++] = (Mistake){ i, ev->prob[(size_t)i * K + ev->pred[i]] };
    qsort(m, (size_t)nm, sizeof *m, by_confidence);
    const int n = nm < most ? nm : most;
    *shown = n;
    if (n == 0 && !none) {
        free(m);
        return 0;
    }
    char(*l1)[48] = xcalloc((size_t)(n > 0 ? n : 1), sizeof *l1), (*l2)[48] = xcalloc((size_t)(n > 0 ? n : 1), sizeof *l2);
    int cw = 28 * 3;
    for (int k = 0; k < n; k++) {
        snprintf(l1[k], 48, "true: %s", ds->class_names[ds->labels[m[k].i]]);
        snprintf(l2[k], 48, "said: %s %.0f%%", ds->class_names[ev->pred[m[k].i]], 100.0 * m[k].p);
        if (image_text_width(l1[k], 1) > cw) cw = image_text_width(l1[k], 1);
        if (image_text_width(l2[k], 1) > cw) cw = image_text_width(l2[k], 1);
    }
    const int cols = 8, rows = n > 0 ? (n + cols - 1) / cols : 1, G = 10, ch = 28 * 3 + 26;
    CnImage *im = canvas(rows * (ch + G) + G, cols * (cw + G) + G);
    float px[28 * 28];
    for (int k = 0; k < n; k++) {
        const int x0 = G + (k % cols) * (cw + G), y0 = G + (k / cols) * (ch + G);
        picture_28(px, dataset_image(ds, m[k].i));
        blit_map(im, x0 + (cw - 84) / 2, y0, px, 28, 28, 3, 0.0f, 1.0f);
        text_centred(im, x0 + cw / 2, y0 + 84 + 4, l1[k], GREEN);
        text_centred(im, x0 + cw / 2, y0 + 84 + 15, l2[k], RED);
    }
    if (n == 0) text_at(im, G, G + 20, none, WHITE);
    write_png(nb, file, im);
    image_free(im);
    free(l1);
    free(l2);
    free(m);
    return nm;
}
