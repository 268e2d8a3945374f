/* balance_report.c - the balance tree and the object's events, written once for text and
 * JSON (see balance_report.h).
 *
 * The tree is walked without recursion: a runaway recursion in the program gives stacks
 * of 100,000 frames and as many nested nodes. Below level BALANCE_TREE_MAX_INDENT the
 * text indent stops growing and a line says its level instead, so that the text grows
 * linearly with depth (10 GB of spaces for 100,000 levels otherwise). */
#include "balance_report.h"

#include <inttypes.h>
#include <string.h>

static const struct text_format node_format = {
    "{pad:*}{?level}[level {level}] {/}{label}: bal={bal}\n", NULL, OUTPUT_BOTH};
static const struct text_format json_only = {NULL, NULL, OUTPUT_JSON_ONLY};

/* Opens NODE's object and its children list, DEPTH levels below the root. */
static void open_node(struct output *output, const struct tree_node *node, size_t depth,
                      bool by_site)
{
    const char *name = balance_node_name(node);
    size_t key_length = balance_node_key_length(node);
    size_t name_length = strlen(name);
    size_t levels = depth < BALANCE_TREE_MAX_INDENT ? depth : BALANCE_TREE_MAX_INDENT;
    output_set_width(output, (int)levels * 2);
    /* The root is the document's `tree`; the others are in their parent's `children`. */
    out_begin_object(output, depth == 0 ? "tree" : NULL, &node_format);
    if (depth > BALANCE_TREE_MAX_INDENT) {
        char level[24];
        snprintf(level, sizeof level, "%zu", depth);
        out_text_field(output, "level", level);
    }
    out_text_field(output, "label", name);
    if (by_site && balance_node_parent(node) && name_length >= key_length + 3) {
        /* `KEY (SITE)` */
        out_string_n(output, "name", name, key_length);
        out_string_n(output, "site", name + key_length + 2, name_length - key_length - 3);
    } else {
        out_string(output, "name", name);
    }
    out_int(output, "bal", balance_node_balance(node));
    if (!output_is_json(output))
        balance_node_note_nameless(node); /* the text's note on stderr, as before */
    out_begin_list(output, "children", NULL);
}

static void close_node(struct output *output)
{
    out_end_list(output);
    out_end_object(output);
}

static void write_tree(struct output *output, const struct balance_tree *tree,
                       bool ignore_balanced)
{
    bool by_site = balance_tree_is_by_site(tree);
    const struct tree_node *node = balance_tree_root(tree);
    size_t depth = 0;
    while (node) {
        open_node(output, node, depth, by_site);
        const struct tree_node *child = balance_node_first_child(node);
        if (child && !(ignore_balanced && balance_node_balance(node) == 0)) {
            node = child;
            depth++;
            continue;
        }
        close_node(output);
        while (node && !balance_node_next_sibling(node)) {
            node = balance_node_parent(node);
            depth--;
            if (node)
                close_node(output);
        }
        if (node)
            node = balance_node_next_sibling(node);
    }
}

static void write_event(struct output *output, const struct object_event *event)
{
    out_begin_object(output, NULL, NULL);
    out_uint(output, "line", event->line);
    char op[2] = {(char)event->op, '\0'};
    out_string(output, "op", op);
    out_int(output, "delta", event->delta);
    out_int(output, "count", event->count);
    out_uint(output, "tid", event->tid);
    if (event->tag)
        out_string(output, "tag", event->tag);
    out_stack(output, "stack", event->stack->frames, event->stack->frame_count);
    out_end_object(output);
}

void balance_report_write(struct output *output, const struct balance_tree *tree,
                          const struct object_events *history, bool ignore_balanced)
{
    out_begin_object(output, NULL, NULL);
    if (history) {
        out_begin_object(output, "object", &json_only);
        out_string(output, "address", history->address);
        out_uint(output, "serial", history->serial);
        out_string(output, "class", history->class_name);
        out_end_object(output);
    }
    write_tree(output, tree, ignore_balanced);
    if (history) {
        out_begin_list(output, "events", &json_only);
        for (size_t i = 0; i < history->count; i++)
            write_event(output, &history->events[i]);
        out_end_list(output);
    }
    out_end_object(output);
}

void balance_tree_print(const struct balance_tree *tree, FILE *out, bool ignore_balanced)
{
    struct output *output = output_new_text(out);
    write_tree(output, tree, ignore_balanced);
    output_free(output);
}
