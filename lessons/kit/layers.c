/* layers.c - the lesson kit's pictures of one image through a network
 * (layers.h). */
#include "lessons/kit/layers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/die.h"
#include "core/error.h"
#include "lessons/kit/arrays.h"
#include "lessons/kit/draw.h"
#include "lessons/kit/report.h"
#include "lessons/lesson.h"

void layers_in_columns(Notebook *nb, const char *file, Net *net, const Dataset *ds, int index, const float *x,
                       const float *prob, int pred, const int *layer, const char *const (*title)[3], int ncol,
                       float squash)
{
    enum { GAP = 22, HEAD = 44, MAPGAP = 3 };
    const int K = net_out_shape(net).c, lab = ds->labels[index];
    int *colw = xcalloc((size_t)ncol, sizeof *colw), *colh = xcalloc((size_t)ncol, sizeof *colh),
        *scale = xcalloc((size_t)ncol, sizeof *scale);
    const float **data = xcalloc((size_t)ncol, sizeof *data);
    CnShape *shp = xcalloc((size_t)ncol, sizeof *shp);
    data[0] = x;
    shp[0] = net->in;
    for (int c = 1; c < ncol; c++) {
        data[c] = net_output(net, layer[c]);
        shp[c] = net->layer[layer[c]]->out;
    }
    /* sizes */
    const int label_w = widest_text(ds->class_names, K);
    int H = 0;
    for (int c = 0; c < ncol; c++) {
        const CnShape s = shp[c];
        if (c == ncol - 1) {
            colw[c] = label_w + 6 + 60 + 6 + image_text_width("100%", 1);
            colh[c] = K * 22;
            scale[c] = 0;
        } else if (s.h > 1) {
            scale[c] = c == 0 ? 4 : 3;
            colw[c] = s.w * scale[c];
            colh[c] = c == 0 ? s.h * scale[c] : s.c * s.h * scale[c] + (s.c - 1) * MAPGAP;
        } else {
            scale[c] = s.c >= 100 ? 4 : 6; /* cell height of a unit */
            colw[c] = 14;
            colh[c] = s.c * scale[c];
        }
        const int tw = widest_text(title[c] + 1, 2);
        if (tw > colw[c]) colw[c] = tw;
        if (colh[c] > H) H = colh[c];
    }
    int W = GAP;
    for (int c = 0; c < ncol; c++) W += colw[c] + GAP;
    const int HT = HEAD + H + 2 * GAP;
    CnImage *im = canvas(HT, W);
    int x0 = GAP;
    for (int c = 0; c < ncol; c++) {
        const CnShape s = shp[c];
        const int cx = x0 + colw[c] / 2;
        text_centred(im, cx, 6, title[c][0], WHITE);
        text_centred(im, cx, 18, title[c][1], WHITE);
        text_centred(im, cx, 30, title[c][2], DIM);
        const int y0 = HEAD + GAP + (H - colh[c]) / 2;
        const size_t n = shape_size(s);
        float lo = data[c][0], hi = data[c][0];
        for (size_t i = 1; i < n; i++) lo = fminf(lo, data[c][i]), hi = fmaxf(hi, data[c][i]);
        /* squashed layers share the range of the squash (-1.7159 .. 1.7159
         * for LeNet-5's scaled tanh); ReLU layers go from 0 (black) to their largest value */
        if (c > 0 && c < ncol - 1) {
            if (squash > 0.0f) lo = -squash, hi = squash;
            else lo = 0.0f, hi = hi > 0.0f ? hi : 1.0f;
        }
        if (c == ncol - 1) {
            const BarLayout bars = { .row_h = 22, .text_dy = 6, .bar_dy = 2, .bar_h = 16, .gap = 6, .bar_len = 60 };
            class_bars(im, x0, y0, ds->class_names, prob, K, lab, pred, label_w, &bars);
        } else if (s.h > 1) {
            const int mx = x0 + (colw[c] - s.w * scale[c]) / 2;
            const int planes = c == 0 ? 1 : s.c;
            for (int p = 0; p < planes; p++)
                blit_map(im, mx, y0 + p * (s.h * scale[c] + MAPGAP), data[c] + (size_t)p * s.h * s.w, s.h, s.w,
                         scale[c], lo, hi);
        } else {
            const int mx = x0 + (colw[c] - 14) / 2;
            for (int u = 0; u < s.c; u++) {
                float g = hi > lo ? (data[c][u] - lo) / (hi - lo) : 0.5f;
                g = g < 0 ? 0 : g > 1 ? 1 : g;
                const float rgb[3] = { g, g, g };
                fill_rect(im, mx, y0 + u * scale[c], 14, scale[c] - (scale[c] > 4 ? 1 : 0), rgb);
            }
        }
        x0 += colw[c] + GAP;
    }
    write_png(nb, file, im);
    image_free(im);
    free(colw);
    free(colh);
    free(scale);
    free(data);
    free(shp);
}

void layers_in_rows(Notebook *nb, const char *file, Net *net, const Dataset *ds, int index, const float *prob,
                    int pred, const int *layer, const char *const *label, int nrows, const char *out_title)
{
    const int K = net_out_shape(net).c, lab = ds->labels[index];
    enum { LEFT = 170, G = 10, MAXW = 1500 };
    int *scale = xcalloc((size_t)nrows, sizeof *scale), *cols = xcalloc((size_t)nrows, sizeof *cols),
        *rowh = xcalloc((size_t)nrows, sizeof *rowh);
    const int ph = ds->height, pw = ds->width; /* the input picture: 28x28, or 32x32 padded */
    int H = G + ph * 4 + 20 + G;
    for (int r = 0; r < nrows; r++) {
        const CnShape s = net->layer[layer[r]]->out;
        if (s.h > 1) {
            scale[r] = s.h >= 24 ? 2 : s.h >= 10 ? 3 : s.h >= 5 ? 6 : 10;
            const int cw = s.w * scale[r] + 4;
            cols[r] = (MAXW - LEFT) / cw;
            if (cols[r] > s.c) cols[r] = s.c;
            const int lines = (s.c + cols[r] - 1) / cols[r];
            rowh[r] = lines * (s.h * scale[r] + 4) + G;
        } else { /* a vector: one cell per unit, 32 to a row */
            scale[r] = 12;
            cols[r] = 32;
            rowh[r] = (s.c + 31) / 32 * (scale[r] + 2) + G;
        }
        if (rowh[r] < 46) rowh[r] = 46;
        H += rowh[r];
    }
    H += K * 18 + 2 * G + 14;
    CnImage *im = canvas(H, MAXW);
    /* the input */
    float *px = xcalloc((size_t)ph * pw, sizeof *px);
    for (int i = 0; i < ph * pw; i++) px[i] = dataset_image(ds, index)[i] / 255.0f;
    int y = G;
    text_at(im, G, y + 20, "input", WHITE);
    char buf[96];
    snprintf(buf, sizeof buf, "1x%dx%d: %s", ph, pw, ds->class_names ? ds->class_names[lab] : "");
    text_at(im, G, y + 32, buf, DIM);
    blit_map(im, LEFT, y, px, ph, pw, 4, 0.0f, 1.0f);
    free(px);
    y += ph * 4 + 20 + G;
    for (int r = 0; r < nrows; r++) {
        const Layer *L = net->layer[layer[r]];
        const CnShape s = L->out;
        const float *d = net_output(net, layer[r]);
        const size_t n = shape_size(s);
        float hi = 0.0f, lo = 0.0f;
        for (size_t i = 0; i < n; i++) hi = fmaxf(hi, d[i]), lo = fminf(lo, d[i]);
        text_at(im, G, y + 4, label[r], WHITE);
        if (s.h > 1)
            snprintf(buf, sizeof buf, "%d maps %dx%d", s.c, s.h, s.w);
        else
            snprintf(buf, sizeof buf, "%d units", s.c);
        text_at(im, G, y + 16, buf, DIM);
        snprintf(buf, sizeof buf, "black %.2g, white %.2g", (double)lo, (double)hi);
        text_at(im, G, y + 28, buf, DIM);
        if (s.h > 1) {
            const int cw = s.w * scale[r] + 4, ch = s.h * scale[r] + 4;
            for (int c = 0; c < s.c; c++)
                blit_map(im, LEFT + (c % cols[r]) * cw, y + (c / cols[r]) * ch, d + (size_t)c * s.h * s.w, s.h, s.w,
                         scale[r], lo, hi);
        } else {
            for (int u = 0; u < s.c; u++) {
                float g = hi > lo ? (d[u] - lo) / (hi - lo) : 0.5f;
                const float rgb[3] = { g, g, g };
                fill_rect(im, LEFT + (u % 32) * (scale[r] + 2), y + (u / 32) * (scale[r] + 2), scale[r], scale[r], rgb);
            }
        }
        y += rowh[r];
    }
    /* the output: the softmax of the last layer */
    text_at(im, G, y + 4, out_title, WHITE);
    snprintf(buf, sizeof buf, "%d class probabilities", K);
    text_at(im, G, y + 16, buf, DIM);
    const BarLayout bars = { .row_h = 18, .text_dy = 4, .bar_dy = 1, .bar_h = 14, .gap = 8, .bar_len = 300, .decimals = 1 };
    class_bars(im, LEFT, y, ds->class_names, prob, K, lab, pred, widest_text(ds->class_names, K), &bars);
    write_png(nb, file, im);
    image_free(im);
    free(scale);
    free(cols);
    free(rowh);
}

void filter_rows(Notebook *nb, const char *file, Net *net, const float *x, int n, int nlayer,
                 const char *const *head, int scale)
{
    const Layer *conv = net_layer(net, 0);
    const CnParam *w = &conv->param[0];
    const int F = conv->out.c, cols = nlayer + 2;
    int *hh = xcalloc((size_t)cols, sizeof *hh), *ww = xcalloc((size_t)cols, sizeof *ww);
    const float **src = xcalloc((size_t)cols, sizeof *src);   /* the first map of each column */
    hh[0] = net->in.h, ww[0] = net->in.w, src[0] = x + (size_t)n * shape_size(net->in);
    hh[1] = w->dims[2], ww[1] = w->dims[3], src[1] = w->value;
    for (int l = 0; l < nlayer; l++) {
        const CnShape o = net_layer(net, l)->out;
        const float *out = net_output(net, l);
        CN_CHECK(out);
        hh[l + 2] = o.h, ww[l + 2] = o.w, src[l + 2] = out + (size_t)n * shape_size(o);
    }
    float **gray = xcalloc((size_t)cols, sizeof *gray);
    for (int col = 0; col < cols; col++) {
        const size_t plane = (size_t)hh[col] * (size_t)ww[col];
        gray[col] = xcalloc(plane * (size_t)F, sizeof(float));
        for (int f = 0; f < F; f++)   /* the input is the same picture in every row */
            memcpy(gray[col] + (size_t)f * plane, src[col] + (col == 0 ? 0 : (size_t)f * plane), plane * sizeof(float));
        float lo, hi;
        min_max(gray[col], plane * (size_t)F, &lo, &hi);
        if (lo >= 0.0f) /* no negative values (ReLU): 0 black, the largest white */
            lo = 0.0f, hi = hi > 0.0f ? hi : 1.0f;
        else
            image_map_find_range(gray[col], plane * (size_t)F, MAP_SYMMETRIC, &lo, &hi);
        image_map_apply_range(gray[col], gray[col], plane * (size_t)F, lo, hi);
    }
    MontageTile *t = xcalloc((size_t)cols * (size_t)F, sizeof *t);
    const char **lab = xcalloc((size_t)cols * (size_t)F, sizeof *lab);
    char (*flab)[24] = xcalloc((size_t)F, sizeof *flab);
    for (int f = 0; f < F; f++) {
        snprintf(flab[f], sizeof flab[f], "filter %d", f + 1);
        for (int col = 0; col < cols; col++) {
            const size_t plane = (size_t)hh[col] * (size_t)ww[col];
            t[f * cols + col] = (MontageTile){ gray[col] + (size_t)f * plane, 1, hh[col], ww[col] };
            lab[f * cols + col] = col == 1 ? flab[f] : head[col];
        }
    }
    const MontageOptions mo = montage_labelled(cols, scale, 8, MAP_CLAMP01, lab, 2);
    write_montage(nb, file, t, cols * F, &mo);
    for (int col = 0; col < cols; col++) free(gray[col]);
    free(gray);
    free(t);
    free(lab);
    free(flab);
    free(src);
    free(hh);
    free(ww);
}

double zero_share(const Net *net, int li)
{
    const size_t n = shape_size(net->layer[li]->out);
    const float *out = net_output(net, li);
    size_t z = 0;
    for (size_t i = 0; i < n; i++) z += out[i] == 0.0f;
    return 100.0 * (double)z / (double)n;
}

void mean_map_by_class(double *resp, Net *net, int li, const float *x, const unsigned char *y, int n, int nclass)
{
    const CnShape o = net_layer(net, li)->out;
    const size_t in = shape_size(net->in), plane = (size_t)o.h * (size_t)o.w;
    int *count = xcalloc((size_t)nclass, sizeof *count);
    for (int i = 0; i < o.c * nclass; i++) resp[i] = 0.0;
    for (int s0 = 0; s0 < n; s0 += 100) {
        const int B = n - s0 < 100 ? n - s0 : 100;
        CN_CHECK(net_forward(net, x + (size_t)s0 * in, B));
        const float *out = net_output(net, li);
        for (int i = 0; i < B; i++) {
            const int cl = y[s0 + i];
            count[cl]++;
            for (int f = 0; f < o.c; f++) {
                double m = 0.0;
                for (size_t q = 0; q < plane; q++) m += out[((size_t)i * (size_t)o.c + (size_t)f) * plane + q];
                resp[f * nclass + cl] += m / (double)plane;
            }
        }
    }
    for (int f = 0; f < o.c; f++)
        for (int cl = 0; cl < nclass; cl++) resp[f * nclass + cl] /= count[cl] ? count[cl] : 1;
    free(count);
}
