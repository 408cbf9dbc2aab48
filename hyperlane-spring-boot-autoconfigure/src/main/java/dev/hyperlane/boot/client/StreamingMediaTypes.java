package dev.hyperlane.boot.client;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Media types whose responses stream parts with pauses between them, matched against a {@code Content-Type} header
 * without parsing it: the header matches a type when it starts with it (case-insensitively) followed by its end, a
 * {@code ;} or white space. Matching allocates nothing. Immutable.
 */
final class StreamingMediaTypes {

	private final String[] types;

	/**
	 * Create the matcher.
	 * @param types media types of the form {@code type/subtype}, without parameters
	 */
	StreamingMediaTypes(List<String> types) {
		this.types = types.stream().map((type) -> type.trim().toLowerCase(Locale.ROOT)).toArray(String[]::new);
	}

	/**
	 * Return whether a value names one media type as {@code type/subtype}, without parameters or wildcards.
	 * @param value the value to check
	 * @return {@code true} for a value such as {@code text/event-stream}
	 */
	static boolean isTypeAndSubtype(String value) {
		String type = value.trim();
		int slash = type.indexOf('/');
		return slash > 0 && slash < type.length() - 1 && type.indexOf('/', slash + 1) < 0 && type.indexOf(';') < 0
				&& type.indexOf('*') < 0 && type.chars().noneMatch(Character::isWhitespace);
	}

	/**
	 * Return whether a response with the given {@code Content-Type} streams.
	 * @param contentType the header's value, or {@code null} when the response has none
	 * @return {@code true} when it names one of the types
	 */
	boolean matches(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		String value = contentType.stripLeading();
		for (String type : this.types) {
			int length = type.length();
			if (value.regionMatches(true, 0, type, 0, length)
					&& (value.length() == length || value.charAt(length) == ';' || value.charAt(length) == ' ')) {
				return true;
			}
		}
		return false;
	}

}
