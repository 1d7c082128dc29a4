package com.adventive.billing.platform.control;

/** A configuration value that is present but unusable; names the setting, never echoes secrets. */
public class InvalidSettingException extends RuntimeException {
    public InvalidSettingException(String setting, String problem) {
        super("Setting " + setting + " " + problem);
    }
}
