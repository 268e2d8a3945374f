// Loads each plugin named in turn with dlopen(RTLD_LOCAL) after start-up, runs it and
// unloads it.
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: dlopener PLUGIN.so...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        void *plugin = dlopen(argv[i], RTLD_NOW | RTLD_LOCAL);
        if (plugin == nullptr) {
            fprintf(stderr, "%s\n", dlerror());
            return 1;
        }
        void (*run)() = reinterpret_cast<void (*)()>(dlsym(plugin, "plugin_run"));
        if (run == nullptr)
            return 1;
        run();
        dlclose(plugin);
    }
    printf("done\n");
    return 0;
}
