// SPDX-License-Identifier: GPL-2.0
/*
 * The desktop notification: one org.freedesktop.Notifications.Notify call on the user's session
 * bus, as notify-send makes it. GDBus (GIO) because GLib is linked already (poppler-glib): no new
 * library, and it speaks the bus's EXTERNAL authentication and bounds each call with a timeout.
 * This runs in a child that is already the user (the bus accepts only its own uid); the daemon
 * bounds the child's whole life too, so a bus that never answers the handshake stalls nothing.
 */
#include <errno.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "notice/notice.h"

/* How long the notification stays, as notify-send -t: long enough to read two lines. */
#define EXPIRE_MS 15000

int notice_send(const char *address, const char *title, const char *body, int timeout_ms,
		char *errbuf, size_t errlen)
{
	GDBusConnection *bus;
	GVariantBuilder hints;
	GError *err = NULL;
	GVariant *ret;
	gchar *markup;
	int rc = 0;

	bus = g_dbus_connection_new_for_address_sync(address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
		G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &err);
	if (!bus) {
		snprintf(errbuf, errlen, "cannot connect to the session bus: %s", err->message);
		rc = g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ? -ETIMEDOUT :
		     -ECONNREFUSED;
		g_error_free(err);
		return rc;
	}
	/* servers may read the body as markup: a file named "<b>x" shows as typed */
	markup = g_markup_escape_text(body, -1);
	g_variant_builder_init(&hints, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&hints, "{sv}", "urgency", g_variant_new_byte(1));
	g_variant_builder_add(&hints, "{sv}", "desktop-entry", g_variant_new_string("pdguard"));
	ret = g_dbus_connection_call_sync(bus, "org.freedesktop.Notifications",
		"/org/freedesktop/Notifications", "org.freedesktop.Notifications", "Notify",
		g_variant_new("(susssasa{sv}i)", "pdguard", 0u, "dialog-warning", title, markup,
			      NULL, &hints, EXPIRE_MS),
		G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, timeout_ms, NULL, &err);
	g_free(markup);
	if (!ret) {
		snprintf(errbuf, errlen, "Notify failed: %s", err->message);
		rc = g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ? -ETIMEDOUT : -EIO;
		g_error_free(err);
	} else {
		g_variant_unref(ret);
	}
	g_dbus_connection_close_sync(bus, NULL, NULL);
	g_object_unref(bus);
	return rc;
}
