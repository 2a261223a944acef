/* plot_map.c — the report component from outside: a scatter plot of a
 * small made-up map, written as PNG.  usage: plot_map OUT.png */
#include <embview/embview.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  ev_error err = {0};
  ev_matrix *map = NULL;
  ev_table *t = NULL;
  ev_labels *labels = NULL;
  const char *names[60];
  int rc = ev_matrix_new(60, 2, &map, &err);
  for (int i = 0; !rc && i < 60; i++) {
    ev_matrix_row(map, i)[0] = (float)(i % 3) * 4.0f + (float)(i % 7) * 0.3f;
    ev_matrix_row(map, i)[1] = (float)(i % 3) * 2.0f + (float)(i % 5) * 0.4f;
    names[i] = i % 3 == 0 ? "cat" : i % 3 == 1 ? "dog" : "bird";
  }
  if (!rc) rc = ev_table_new(60, &t, &err);
  if (!rc) rc = ev_table_add_column(t, "label", names, &err);
  if (!rc) rc = ev_labels_from_column(t, 0, &labels, &err);
  if (!rc) rc = ev_plot_scatter_write(argv[1], map, labels, "three classes", 400, 300, &err);
  if (rc) fprintf(stderr, "plot_map: %s\n", err.msg);
  else printf("wrote %s (embview %s)\n", argv[1], ev_version());
  ev_labels_free(labels);
  ev_table_free(t);
  ev_matrix_free(map);
  return rc ? 1 : 0;
}
