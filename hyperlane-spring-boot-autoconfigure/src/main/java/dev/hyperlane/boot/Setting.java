package dev.hyperlane.boot;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.util.unit.DataSize;

/**
 * One setting, declared once: its name below the concern's prefix, its type, where the bound value is read from,
 * Hyperlane's default and the reason for it, the Spring Boot property that wins over that default (if any) and the
 * range check. {@link SettingResolver} layers the sources and remembers which one each value came from; the
 * {@code hyperlane} endpoint shows the value, the source and the reason.
 * <p>
 * Immutable: the {@code with} methods return a copy. The default here is the default applied; the IDE metadata
 * shows the same value (the field initializer of the properties class or
 * {@code additional-spring-configuration-metadata.json}), which {@code ConfigurationMetadataTests} checks against
 * these descriptors.
 *
 * @param <O> the bound properties type the value is read from
 * @param <T> the value's type
 * @param name the name below the concern's prefix, such as {@code idle-timeout} or {@code retry.backoff}
 * @param type the value's type, used to bind the Spring Boot property
 * @param read reads the value from bound properties; {@code null} when they hold none
 * @param defaultValue Hyperlane's default, {@code null} for "unset" (the library's behaviour) or for a default
 * derived at resolution time
 * @param reason why the default, in one sentence
 * @param bootProperty the Spring Boot property that wins over Hyperlane's default when the application sets it, or
 * {@code null}
 * @param check the range check, applied to every non-null value whatever its source
 */
public record Setting<O, T>(String name, Bindable<T> type, Function<O, @Nullable T> read, @Nullable T defaultValue,
		String reason, @Nullable String bootProperty, Check<T> check) {

	/**
	 * Declare a setting.
	 * @param name the name below the concern's prefix
	 * @param type the value's type
	 * @param read reads the value from bound properties
	 * @param defaultValue Hyperlane's default, or {@code null} for unset
	 * @param reason why the default
	 * @param <O> the properties type
	 * @param <T> the value's type
	 * @return the setting, without a Boot property and without a check
	 */
	public static <O, T> Setting<O, T> of(String name, Class<T> type, Function<O, @Nullable T> read,
			@Nullable T defaultValue, String reason) {
		return of(name, Bindable.of(type), read, defaultValue, reason);
	}

	/**
	 * Declare a setting of a generic type, such as a list.
	 * @param name the name below the concern's prefix
	 * @param type the value's type
	 * @param read reads the value from bound properties
	 * @param defaultValue Hyperlane's default, or {@code null} for unset
	 * @param reason why the default
	 * @param <O> the properties type
	 * @param <T> the value's type
	 * @return the setting, without a Boot property and without a check
	 */
	public static <O, T> Setting<O, T> of(String name, Bindable<T> type, Function<O, @Nullable T> read,
			@Nullable T defaultValue, String reason) {
		return new Setting<>(name, type, read, defaultValue, reason, null, Check.any());
	}

	/**
	 * Return a copy in which a Spring Boot property, when the application sets it, wins over Hyperlane's default.
	 * @param property the Spring Boot property, such as {@code server.netty.idle-timeout}
	 * @return the new setting
	 */
	public Setting<O, T> withBootProperty(String property) {
		return new Setting<>(this.name, this.type, this.read, this.defaultValue, this.reason, property, this.check);
	}

	/**
	 * Return a copy with another default, for a setting shared by several concerns that each have their own (the
	 * socket options of the server and of the clients).
	 * @param value the default
	 * @param why why the default, in one sentence
	 * @return the new setting
	 */
	public Setting<O, T> withDefault(T value, String why) {
		return new Setting<>(this.name, this.type, this.read, value, why, this.bootProperty, this.check);
	}

	/**
	 * Return a copy with a range check.
	 * @param valid whether a value is allowed
	 * @param allowed what is allowed, for the start-up failure message ({@code 1 to 9})
	 * @return the new setting
	 */
	public Setting<O, T> withCheck(Predicate<T> valid, String allowed) {
		return new Setting<>(this.name, this.type, this.read, this.defaultValue, this.reason, this.bootProperty,
				new Check<>(valid, allowed));
	}

	/**
	 * A range check and the text that says what is allowed.
	 *
	 * @param <T> the value's type
	 * @param valid whether a value is allowed
	 * @param allowed what is allowed, such as {@code 1 to 9}
	 */
	public record Check<T>(Predicate<T> valid, String allowed) {

		static <T> Check<T> any() {
			return new Check<>((value) -> true, "any value");
		}

	}

	/**
	 * Whether a duration is longer than zero.
	 * @param duration the duration
	 * @return {@code true} when positive
	 */
	public static boolean positive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	/**
	 * Whether a size lies between two byte counts, both included.
	 * @param size the size
	 * @param min the smallest allowed, in bytes
	 * @param max the largest allowed, in bytes
	 * @return {@code true} when inside
	 */
	public static boolean between(DataSize size, long min, long max) {
		return size.toBytes() >= min && size.toBytes() <= max;
	}

	/**
	 * Whether a number lies between two values, both included.
	 * @param number the number
	 * @param min the smallest allowed
	 * @param max the largest allowed
	 * @return {@code true} when inside
	 */
	public static boolean between(Number number, double min, double max) {
		return number.doubleValue() >= min && number.doubleValue() <= max;
	}

}
