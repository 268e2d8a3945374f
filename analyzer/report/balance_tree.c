/* balance_tree.c - building and printing the balance tree (see balance_tree.h).
 *
 * Stacks can be thousands of frames deep (runaway recursion), so freeing walks the tree
 * with parent/sibling links instead of recursing; the printing is balance_report.c's. */
#include "balance_tree.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "alloc.h"
#include "frame_text.h"
#include "func_name.h"

struct tree_node {
    char *name;                  /* function key, e.g. `NS_NewFoo` */
    size_t key_length;           /* with --sites: length of the key in `KEY (SITE)` */
    char *nameless_module;       /* for a frame without a name: its module, told to the */
    uint64_t nameless_offset;    /* user when the node is printed; else NULL */
    int64_t balance;
    struct tree_node *parent;
    struct tree_node *first_child; /* children in order of first appearance... */
    struct tree_node *last_child;
    struct tree_node *next_sibling;
    struct tree_node *children;  /* ...and hashed by name for lookup */
    UT_hash_handle hh;           /* membership in the parent's `children` */
};

struct balance_tree {
    struct tree_node *root;
    const struct exclude_list *excludes;
    bool by_site;
    char *site_name;          /* the name of a site node being looked up */
    size_t site_name_size;
};

static struct tree_node *node_new(const char *name, size_t name_length, struct tree_node *parent)
{
    struct tree_node *node = xcalloc(1, sizeof *node);
    node->name = xstrndup(name, name_length);
    node->parent = parent;
    return node;
}

struct balance_tree *balance_tree_new(const struct exclude_list *excludes)
{
    struct balance_tree *tree = xcalloc(1, sizeof *tree);
    tree->root = node_new(".root", 5, NULL);
    tree->excludes = excludes;
    return tree;
}

struct balance_tree *balance_tree_new_by_site(const struct exclude_list *excludes)
{
    struct balance_tree *tree = balance_tree_new(excludes);
    tree->by_site = true;
    return tree;
}

void balance_tree_free(struct balance_tree *tree)
{
    if (!tree)
        return;
    free(tree->site_name);
    /* Post-order without recursion: descend to a leaf, free it, go on with its next
     * sibling or, after the last one, its parent (whose child list is then used up). */
    struct tree_node *node = tree->root;
    while (node) {
        if (node->first_child) {
            struct tree_node *child = node->first_child;
            node->first_child = NULL;
            /* The hash table hangs off its first child: drop it while that still lives. */
            HASH_CLEAR(hh, node->children);
            node = child;
            continue;
        }
        struct tree_node *next = node->next_sibling ? node->next_sibling : node->parent;
        free(node->name);
        free(node->nameless_module);
        free(node);
        node = next;
    }
    free(tree);
}

static struct tree_node *child_named(struct tree_node *parent, const char *name, size_t length)
{
    struct tree_node *child;
    HASH_FIND(hh, parent->children, name, length, child);
    if (child)
        return child;
    child = node_new(name, length, parent);
    HASH_ADD_KEYPTR(hh, parent->children, child->name, length, child);
    if (parent->last_child)
        parent->last_child->next_sibling = child;
    else
        parent->first_child = child;
    parent->last_child = child;
    return child;
}

static bool stack_is_excluded(const struct balance_tree *tree, const struct log_frame *frames,
                              size_t frame_count)
{
    if (!tree->excludes)
        return false;
    for (size_t i = 0; i < frame_count; i++)
        if (exclude_list_matches(tree->excludes, frames[i].function))
            return true;
    return false;
}

/* Writes `KEY (LOCATION)` for FRAME into tree->site_name; returns its length. */
static size_t site_name(struct balance_tree *tree, const struct log_frame *frame)
{
    char location[512];
    frame_text_location(frame, location, sizeof location);
    size_t key_length = func_name_key_length(frame->function);
    size_t needed = key_length + strlen(location) + 4;
    if (needed > tree->site_name_size) {
        tree->site_name_size = needed * 2;
        tree->site_name = xrealloc(tree->site_name, tree->site_name_size);
    }
    return (size_t)snprintf(tree->site_name, tree->site_name_size, "%.*s (%s)", (int)key_length,
                            frame->function, location);
}

bool balance_tree_add(struct balance_tree *tree, enum log_op op, const struct log_frame *frames,
                      size_t frame_count)
{
    if (op == LOG_OP_STRAY || op == LOG_OP_KEPT || stack_is_excluded(tree, frames, frame_count))
        return false;
    int delta = (op == LOG_OP_NEW || op == LOG_OP_ADDREF) ? 1 : -1;
    struct tree_node *node = tree->root;
    node->balance += delta;
    size_t start = frame_text_path_start(frames, frame_count);
    if (start == frame_count)
        return true;
    for (size_t i = start + 1; i-- > 0;) {
        const char *function = frames[i].function;
        bool nameless = frame_text_is_nameless(&frames[i]);
        if (tree->by_site) {
            size_t length = site_name(tree, &frames[i]);
            node = child_named(node, tree->site_name, length);
            node->key_length = func_name_key_length(function);
        } else if (nameless && (frames[i].module || frames[i].offset)) {
            /* Frames without a name are told apart by where they are: merging them into
             * one `???` node would merge different functions and make the tree false. */
            char location[512];
            frame_text_location(&frames[i], location, sizeof location);
            node = child_named(node, location, strlen(location));
        } else {
            node = child_named(node, function, func_name_key_length(function));
        }
        if (nameless && frames[i].module && !node->nameless_module) {
            node->nameless_module = xstrdup(frames[i].module);
            node->nameless_offset = frames[i].offset;
        }
        node->balance += delta;
    }
    return true;
}

int64_t balance_tree_root_balance(const struct balance_tree *tree)
{
    return tree->root->balance;
}

const struct tree_node *balance_tree_root(const struct balance_tree *tree)
{
    return tree->root;
}

bool balance_tree_is_by_site(const struct balance_tree *tree)
{
    return tree->by_site;
}

const struct tree_node *balance_node_first_child(const struct tree_node *node)
{
    return node->first_child;
}

const struct tree_node *balance_node_next_sibling(const struct tree_node *node)
{
    return node->next_sibling;
}

const struct tree_node *balance_node_parent(const struct tree_node *node)
{
    return node->parent;
}

const char *balance_node_name(const struct tree_node *node)
{
    return node->name;
}

size_t balance_node_key_length(const struct tree_node *node)
{
    return node->key_length ? node->key_length : strlen(node->name);
}

int64_t balance_node_balance(const struct tree_node *node)
{
    return node->balance;
}

void balance_node_note_nameless(const struct tree_node *node)
{
    if (node->nameless_module)
        frame_text_note_nameless(node->nameless_module, node->nameless_offset);
}
