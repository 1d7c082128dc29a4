package com.adventive.billing.platform.control;

import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A transaction that the database rolled back because it met another one (a deadlock, a
 * serialization failure, a lock it could not get) is run again at once, a few times, instead of
 * failing the request or the work item. Put it on beans whose methods each are one transaction of
 * their own ({@code REQUIRES_NEW}, or {@code REQUIRED} called with none open); inside a caller's
 * transaction it does nothing, because only that caller can start over.
 */
@Inherited
@InterceptorBinding
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface RetriedOnTransientConflict {
}
