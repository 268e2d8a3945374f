/* func_name.c - strips parameter lists from demangled names (see func_name.h).
 *
 * Demangled C++ names end in a parameter list, possibly followed by qualifiers
 * (`const`, `&&`, `noexcept`) and GCC's ` [clone .cold]` suffixes. The parameter list
 * is found from the right by matching parentheses, because parentheses also occur
 * earlier in the name: `(anonymous namespace)::f()`, `std::function<void (int)>::...`. */
#include "func_name.h"

#include <ctype.h>
#include <string.h>

#include "alloc.h"

static bool is_identifier_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* If text[0..*end) ends with WORD as a whole word, cut it (and blanks before it). */
static bool cut_trailing_word(const char *text, size_t *end, const char *word)
{
    size_t word_length = strlen(word);
    if (*end < word_length || memcmp(text + *end - word_length, word, word_length) != 0)
        return false;
    size_t start = *end - word_length;
    bool word_is_identifier = is_identifier_char(word[0]);
    if (word_is_identifier && start > 0 && is_identifier_char(text[start - 1]))
        return false; /* `myconst` is not the qualifier `const` */
    *end = start;
    return true;
}

static void cut_trailing_blanks(const char *text, size_t *end)
{
    while (*end > 0 && isspace((unsigned char)text[*end - 1]))
        (*end)--;
}

/* Cuts GCC's ` [clone .constprop.0]` style suffixes; only bracket groups that start
 * with `[clone`, since `[abi:cxx11]` belongs to the name. */
static bool cut_clone_suffix(const char *text, size_t *end)
{
    if (*end == 0 || text[*end - 1] != ']')
        return false;
    size_t open = *end - 1;
    while (open > 0 && text[open] != '[')
        open--;
    if (text[open] != '[' || strncmp(text + open, "[clone", 6) != 0)
        return false;
    *end = open;
    return true;
}

static void cut_trailing_qualifiers(const char *text, size_t *end)
{
    static const char *const qualifiers[] = {"const", "volatile", "noexcept", "&&", "&",
                                             "transaction_safe", "__restrict", "restrict"};
    bool cut_something = true;
    while (cut_something) {
        cut_trailing_blanks(text, end);
        cut_something = cut_clone_suffix(text, end);
        for (size_t i = 0; !cut_something && i < sizeof qualifiers / sizeof qualifiers[0]; i++)
            cut_something = cut_trailing_word(text, end, qualifiers[i]);
    }
}

/* Index of the `(` matching the `)` at text[close], or -1 if unbalanced. */
static long matching_open_paren(const char *text, size_t close)
{
    int depth = 0;
    for (size_t i = close + 1; i-- > 0;) {
        if (text[i] == ')')
            depth++;
        else if (text[i] == '(' && --depth == 0)
            return (long)i;
    }
    return -1;
}

/* `foo::operator()` without parameters: the parentheses are the operator's name. */
static bool is_call_operator_name(const char *text, size_t open)
{
    static const char operator_word[] = "operator";
    size_t word_length = sizeof operator_word - 1;
    if (open < word_length || memcmp(text + open - word_length, operator_word, word_length) != 0)
        return false;
    return open == word_length || !is_identifier_char(text[open - word_length - 1]);
}

size_t func_name_key_length(const char *name)
{
    size_t full_length = strlen(name);
    size_t end = full_length;
    cut_trailing_qualifiers(name, &end);
    if (end == 0 || name[end - 1] != ')')
        return full_length; /* no parameter list: `main`, `???`, C symbols */
    long open = matching_open_paren(name, end - 1);
    if (open <= 0)
        return full_length; /* unbalanced, or the whole name is parenthesized */
    if (is_call_operator_name(name, (size_t)open) && open + 2 == (long)end)
        return end; /* `X::operator()` already has no parameter list */
    size_t key_end = (size_t)open;
    cut_trailing_blanks(name, &key_end);
    return key_end > 0 ? key_end : full_length;
}

char *func_name_key_dup(const char *name)
{
    return xstrndup(name, func_name_key_length(name));
}

bool func_name_key_equals(const char *name, const char *key, size_t key_length)
{
    return func_name_key_length(name) == key_length && memcmp(name, key, key_length) == 0;
}
