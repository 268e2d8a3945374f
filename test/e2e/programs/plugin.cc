// libplugin.so: loaded by dlopener with dlopen(RTLD_LOCAL); its class lives only here.
#include "nsfoo.h"

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
