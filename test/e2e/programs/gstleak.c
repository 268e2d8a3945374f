/* Runs a short GStreamer pipeline and tears it down properly, but keeps one element, one
 * caps and one buffer (mini objects) that it never releases. */
#include <gst/gst.h>
#include <stdio.h>

static GstElement *kept;
static GstCaps *kept_caps;
static GstBuffer *kept_buffer;

static void KeepElement(void)
{
    kept = gst_element_factory_make("identity", "kept");
    gst_object_ref_sink(kept);
}

static void KeepMiniObjects(void)
{
    kept_caps = gst_caps_new_empty_simple("video/x-raw");
    gst_caps_ref(kept_caps);
    gst_caps_unref(kept_caps);
    kept_buffer = gst_buffer_new_allocate(NULL, 64, NULL);
}

static void RunPipeline(void)
{
    GError *error = NULL;
    GstElement *pipeline = gst_parse_launch("fakesrc num-buffers=20 ! identity ! fakesink", &error);
    if (pipeline == NULL) {
        fprintf(stderr, "%s\n", error->message);
        g_error_free(error);
        return;
    }
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    GstBus *bus = gst_element_get_bus(pipeline);
    GstMessage *msg = gst_bus_timed_pop_filtered(bus, GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (msg != NULL)
        gst_message_unref(msg);
    gst_object_unref(bus);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
}

int main(int argc, char **argv)
{
    gst_init(&argc, &argv);
    RunPipeline();
    KeepElement();
    KeepMiniObjects();
    gst_deinit();
    printf("done\n");
    return 0;
}
