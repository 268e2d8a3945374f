/* blob_dict.c - numbered byte strings within a budget (see blob_dict.h). */
#include "blob_dict.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "fast_hash.h"

struct blob {
    char *text; /* LENGTH bytes and a NUL */
    size_t length;
    uint64_t hash;
};

struct blob_dict {
    struct blob *blobs;
    size_t count, capacity;
    uint32_t *slots; /* number + 1; 0: empty */
    size_t slot_mask;
    size_t bytes, max_bytes;
};

struct blob_dict *blob_dict_new(size_t max_bytes)
{
    struct blob_dict *dict = xcalloc(1, sizeof *dict);
    dict->max_bytes = max_bytes;
    dict->slot_mask = 255;
    dict->slots = xcalloc(dict->slot_mask + 1, sizeof *dict->slots);
    return dict;
}

void blob_dict_free(struct blob_dict *dict)
{
    if (!dict)
        return;
    for (size_t i = 0; i < dict->count; i++)
        free(dict->blobs[i].text);
    free(dict->blobs);
    free(dict->slots);
    free(dict);
}

static void grow_slots(struct blob_dict *dict)
{
    size_t mask = dict->slot_mask * 2 + 1;
    uint32_t *slots = xcalloc(mask + 1, sizeof *slots);
    for (size_t i = 0; i < dict->count; i++) {
        size_t slot = dict->blobs[i].hash & mask;
        while (slots[slot])
            slot = (slot + 1) & mask;
        slots[slot] = (uint32_t)(i + 1);
    }
    free(dict->slots);
    dict->slots = slots;
    dict->slot_mask = mask;
}

int64_t blob_dict_number(struct blob_dict *dict, const void *data, size_t length)
{
    uint64_t hash = fast_hash(data, length);
    size_t slot = hash & dict->slot_mask;
    for (; dict->slots[slot]; slot = (slot + 1) & dict->slot_mask) {
        const struct blob *blob = &dict->blobs[dict->slots[slot] - 1];
        if (blob->hash == hash && blob->length == length && memcmp(blob->text, data, length) == 0)
            return dict->slots[slot] - 1;
    }
    /* What each text costs besides its bytes: the blob, a slot or two, malloc's header. */
    size_t cost = length + 1 + sizeof(struct blob) + 2 * sizeof(uint32_t) + 16;
    if (dict->bytes + cost > dict->max_bytes || dict->count >= UINT32_MAX - 1)
        return -1;
    if (dict->count == dict->capacity) {
        dict->capacity = dict->capacity ? dict->capacity * 2 : 64;
        dict->blobs = xrealloc(dict->blobs, dict->capacity * sizeof *dict->blobs);
    }
    char *text = xmalloc(length + 1);
    memcpy(text, data, length);
    text[length] = '\0';
    dict->blobs[dict->count] = (struct blob){text, length, hash};
    dict->slots[slot] = (uint32_t)(dict->count + 1);
    dict->bytes += cost;
    int64_t number = (int64_t)dict->count++;
    if (dict->count * 2 > dict->slot_mask)
        grow_slots(dict);
    return number;
}

const char *blob_dict_text(const struct blob_dict *dict, uint64_t number, size_t *length)
{
    if (number >= dict->count)
        return NULL;
    *length = dict->blobs[number].length;
    return dict->blobs[number].text;
}
