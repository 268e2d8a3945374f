/* balance_tree.h - the AddRef/Release balance tree of one object (make-tree.pl's idea).
 *
 * Every event adds +1 (N, A) or -1 (R, D) to each function on its call path, outermost
 * first (from the frame frame_text_path_start names), under a `.root` node that gets every counted event. A node's balance is then
 * the references taken minus those given back by code running in that function, so a
 * leak shows as a path of non-zero balances ending where the reference was lost. */
#ifndef REFSHIM_BALANCE_TREE_H
#define REFSHIM_BALANCE_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "exclude_list.h"
#include "log_reader.h"

struct balance_tree;

/* EXCLUDES may be NULL; it is borrowed and must outlive the tree. */
struct balance_tree *balance_tree_new(const struct exclude_list *excludes);
/* The same, but with one node per call site instead of one per function, as
 * make-tree.pl does: `NS_NewFoo (demo.cc:12)`, or `NS_NewFoo (libfoo.so+0x1b40)`
 * when the source is unknown. */
struct balance_tree *balance_tree_new_by_site(const struct exclude_list *excludes);
void balance_tree_free(struct balance_tree *tree);
/* Counts one event with its stack (innermost first). Returns false, changing nothing,
 * if the stack contains an excluded function or OP is LOG_OP_STRAY. */
bool balance_tree_add(struct balance_tree *tree, enum log_op op, const struct log_frame *frames,
                      size_t frame_count);
/* Balance of .root: the sum over all counted events. */
int64_t balance_tree_root_balance(const struct balance_tree *tree);
enum { BALANCE_TREE_MAX_INDENT = 100 };

/* Prints `name: bal=N` lines, two spaces of indent per level, children in the order
 * they first appeared. Below level BALANCE_TREE_MAX_INDENT the indent stops growing and
 * a line starts `[level N] ` instead, so that the output grows linearly with depth. With
 * IGNORE_BALANCED, a node with bal 0 is printed without its children. Written by
 * balance_report.c, which also writes the tree as JSON. */
void balance_tree_print(const struct balance_tree *tree, FILE *out, bool ignore_balanced);

/* Walking the tree node by node, for the other back-ends (JSON, HTML). Nodes belong to
 * the tree. A node's name is its text form: `KEY` or, by site, `KEY (SITE)`, whose first
 * balance_node_key_length() characters are the key. */
struct tree_node;
const struct tree_node *balance_tree_root(const struct balance_tree *tree);
bool balance_tree_is_by_site(const struct balance_tree *tree);
const struct tree_node *balance_node_first_child(const struct tree_node *node);
const struct tree_node *balance_node_next_sibling(const struct tree_node *node);
const struct tree_node *balance_node_parent(const struct tree_node *node);
const char *balance_node_name(const struct tree_node *node);
size_t balance_node_key_length(const struct tree_node *node);
int64_t balance_node_balance(const struct tree_node *node);
/* Tells frame_text (for its note at exit) that a node without a function name is shown. */
void balance_node_note_nameless(const struct tree_node *node);

#endif
