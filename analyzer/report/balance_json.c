/* balance_json.c - the balance tree and the object's events as JSON (see balance_json.h).
 *
 * The tree is walked without recursion, as the text printer does: a runaway recursion
 * in the program gives stacks of 100,000 frames and as many nested nodes. */
#include "balance_json.h"

#include <string.h>

#include "json_frames.h"

/* Opens NODE's object and its children array. */
static void open_node(struct json_writer *writer, const struct tree_node *node, bool by_site)
{
    const char *name = balance_node_name(node);
    size_t key_length = balance_node_key_length(node);
    size_t name_length = strlen(name);
    json_begin_object(writer);
    json_key(writer, "name");
    bool has_site = by_site && balance_node_parent(node) &&
                    name_length >= key_length + 3;
    if (has_site) {
        /* `KEY (SITE)` */
        json_string_n(writer, name, key_length);
        json_key(writer, "site");
        json_string_n(writer, name + key_length + 2, name_length - key_length - 3);
    } else {
        json_string(writer, name);
    }
    json_member_int(writer, "bal", balance_node_balance(node));
    json_key(writer, "children");
    json_begin_array(writer);
}

static void close_node(struct json_writer *writer)
{
    json_end_array(writer);
    json_end_object(writer);
}

static void write_tree(struct json_writer *writer, const struct balance_tree *tree,
                       bool ignore_balanced)
{
    bool by_site = balance_tree_is_by_site(tree);
    const struct tree_node *node = balance_tree_root(tree);
    while (node) {
        open_node(writer, node, by_site);
        const struct tree_node *child = balance_node_first_child(node);
        if (child && !(ignore_balanced && balance_node_balance(node) == 0)) {
            node = child;
            continue;
        }
        close_node(writer);
        while (node && !balance_node_next_sibling(node)) {
            node = balance_node_parent(node);
            if (node)
                close_node(writer);
        }
        if (node)
            node = balance_node_next_sibling(node);
    }
}

static void write_event(struct json_writer *writer, const struct object_event *event)
{
    json_begin_object(writer);
    json_member_uint(writer, "line", event->line);
    char op[2] = {(char)event->op, '\0'};
    json_member_string(writer, "op", op);
    json_member_int(writer, "delta", event->delta);
    json_member_int(writer, "count", event->count);
    json_member_uint(writer, "tid", event->tid);
    if (event->tag)
        json_member_string(writer, "tag", event->tag);
    json_key(writer, "stack");
    json_write_stack(writer, event->stack->frames, event->stack->frame_count);
    json_end_object(writer);
}

void balance_json_write(struct json_writer *writer, const struct balance_tree *tree,
                        const struct object_events *history, bool ignore_balanced)
{
    json_begin_object(writer);
    json_key(writer, "object");
    json_begin_object(writer);
    json_member_string(writer, "address", history->address);
    json_member_uint(writer, "serial", history->serial);
    json_member_string(writer, "class", history->class_name);
    json_end_object(writer);
    json_key(writer, "tree");
    write_tree(writer, tree, ignore_balanced);
    json_key(writer, "events");
    json_begin_array(writer);
    for (size_t i = 0; i < history->count; i++)
        write_event(writer, &history->events[i]);
    json_end_array(writer);
    json_end_object(writer);
}
