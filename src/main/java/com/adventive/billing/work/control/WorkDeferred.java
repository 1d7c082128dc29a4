package com.adventive.billing.work.control;

/**
 * Not now, and not the item's fault: something else is busy with the same effect (e.g. another
 * worker is sending the same email). The item is rescheduled after a short wait and the attempt
 * is not counted against {@code WORK_MAX_ATTEMPTS}.
 */
public class WorkDeferred extends Exception {

    public WorkDeferred(String message, Throwable cause) {
        super(message, cause);
    }
}
