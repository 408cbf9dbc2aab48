package dev.hyperlane.boot;

/**
 * One effective setting as the {@code hyperlane} endpoint shows it, under the property's name:
 * {@code {"value": "75s", "source": "default", "reason": "..."}}.
 *
 * @param value the applied value for people ({@link EffectiveSetting#display(Object)}): {@code 75s},
 * {@code 250ms}, {@code unset}
 * @param source where the value came from, a {@link SettingSource#displayName() display name} such as
 * {@code boot-property}
 * @param reason why this value, in one sentence
 */
public record SettingDescriptor(String value, String source, String reason) {

}
