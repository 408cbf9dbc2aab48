package dev.hyperlane.boot;

import java.util.List;

/**
 * The names of the {@code hyperlane} endpoint's sections ({@code /actuator/hyperlane/{name}}), in one place: each
 * section is named with its constant ({@link HyperlaneSection#name()}) and the endpoint shows them in {@link #ORDER}.
 */
public final class SectionNames {

	/** The transport section: native transport, event loops, allocator. */
	public static final String TRANSPORT = "transport";

	/** The server section: Reactor Netty server settings and statistics. */
	public static final String SERVER = "server";

	/** The clients section: one entry per downstream service. */
	public static final String CLIENTS = "clients";

	/** The load balancers section: one entry per load-balanced service. */
	public static final String LOAD_BALANCERS = "loadbalancers";

	/** The hedging section: hedged requests sent, won and refused per load-balanced service. */
	public static final String HEDGING = "hedging";

	/** The deadline section: caller deadlines read, requests and calls ended by a deadline. */
	public static final String DEADLINE = "deadline";

	/** The runtime section: CPU quota, memory limits, garbage collector. */
	public static final String RUNTIME = "runtime";

	/** The observability section: meters, URI tag caps, tracing. */
	public static final String OBSERVABILITY = "observability";

	/** The advice, shown after every section and readable on its own at {@code /actuator/hyperlane/advice}. */
	public static final String ADVICE = "advice";

	/**
	 * The order in which the endpoint shows the sections: from the wire up to the process. A section not listed
	 * here comes after these, by name.
	 */
	public static final List<String> ORDER = List.of(TRANSPORT, SERVER, CLIENTS, LOAD_BALANCERS, HEDGING,
			DEADLINE, RUNTIME, OBSERVABILITY);

	private SectionNames() {
	}

}
