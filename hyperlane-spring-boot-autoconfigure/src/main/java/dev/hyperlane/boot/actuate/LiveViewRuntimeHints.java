package dev.hyperlane.boot.actuate;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Runtime hints for the live view: its page is a class-path resource
 * ({@code dev/hyperlane/boot/actuate/live-view.html}), which a native image leaves out unless it is named.
 * Listed in {@code META-INF/spring/aot.factories}, so Spring AOT applies it whether or not the live view is on at
 * build time.
 */
class LiveViewRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(LiveViewPage.TEMPLATE_LOCATION);
	}

}
