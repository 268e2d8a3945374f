// libplugin.so: loaded by dlopener with dlopen(RTLD_LOCAL); its class lives only here.
// Built a second time with -DSECOND as libplugin2.so, whose functions have other names:
// loaded after libplugin.so is unloaded, at the same address, it shows whether frames of
// unloaded code are forgotten.
#include "nsfoo.h"

#ifdef SECOND
#define PluginKeepsOne SecondKeepsOne
#endif

class nsPlugin : public nsISupportsLike {
    DECLARE_REFCOUNTING(nsPlugin)
};

nsrefcnt nsPlugin::AddRef()
{
    return ++mRefCnt;
}

nsrefcnt nsPlugin::Release()
{
    nsrefcnt count = --mRefCnt;
    if (count == 0)
        delete this;
    return count;
}

static void PluginKeepsOne(nsPlugin *plugin)
{
    plugin->AddRef();
}

extern "C" void plugin_run()
{
    nsPlugin *plugin = new nsPlugin();
    plugin->AddRef();
    PluginKeepsOne(plugin);
    plugin->Release();
}
