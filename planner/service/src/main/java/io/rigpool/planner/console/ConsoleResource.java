package io.rigpool.planner.console;

import io.rigpool.planner.admin.AdminAccess;
import io.rigpool.planner.admin.ClientAddress;
import io.rigpool.planner.admin.RetryAfter;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The admin page: {@code /admin/} and its script and style for a logged-in admin (others are sent to the login
 * form), the login form that exchanges the admin key for a session cookie, and logout. The page's data comes from
 * {@code /admin/api/} ({@link ConsoleApiResource}); its actions use the admin API. Open to all: it checks the session
 * itself, because a visitor without one is sent to the login form rather than refused.
 */
@PermitAll
@Path("/admin")
public class ConsoleResource {

    private static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final String LOGIN_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";
    private static final URI LOGIN = URI.create("/admin/login");
    private static final URI PAGE = URI.create("/admin/");

    private final AdminAccess access;

    ConsoleResource(AdminAccess access) {
        this.access = access;
    }

    @GET
    public Response page(@CookieParam(AdminAccess.COOKIE) String session) {
        if (!access.sessions().valid(session)) {
            return Response.seeOther(LOGIN).header("Cache-Control", "no-store").build();
        }
        return secured(Response.ok(ConsolePage.index(), MediaType.TEXT_HTML_TYPE.withCharset("utf-8")), PAGE_POLICY);
    }

    @GET
    @Path("assets/{name}")
    public Response asset(@PathParam("name") String name, @CookieParam(AdminAccess.COOKIE) String session) {
        if (!access.sessions().valid(session)) {
            return Response.status(401).type(MediaType.TEXT_PLAIN_TYPE).entity("log in at /admin/login").build();
        }
        return ConsolePage.asset(name)
                .map(bytes -> secured(Response.ok(bytes, ConsolePage.ASSETS.get(name)), PAGE_POLICY))
                .orElseGet(() -> Response.status(404).type(MediaType.TEXT_PLAIN_TYPE).entity("no such file").build());
    }

    @GET
    @Path("login")
    public Response loginForm() {
        if (!access.enabled()) {
            return loginPage(503, "The admin page is off: start the planner with rigpool.planner.admin-key"
                    + " (RIGPOOL_PLANNER_ADMIN_KEY).");
        }
        return loginPage(200, null);
    }

    /** Form field {@code key}: the admin key. On success a session cookie and the page. */
    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@FormParam("key") String key, @HeaderParam("X-Forwarded-Proto") String forwardedProto,
            @Context UriInfo uri, @Context HttpServerRequest request) {
        if (!access.enabled()) {
            return loginForm();
        }
        String client = ClientAddress.of(request);
        Optional<Duration> wait = access.throttle().retryAfter(client);
        if (wait.isPresent()) {
            return Response.fromResponse(loginPage(429, "Too many wrong keys from this address: try again in "
                    + RetryAfter.seconds(wait.get()) + " s.")).header("Retry-After", RetryAfter.seconds(wait.get()))
                    .build();
        }
        Optional<String> token = access.login(key);
        if (token.isEmpty()) {
            access.throttle().failed(client);
            return loginPage(401, "That is not the admin key.");
        }
        access.throttle().succeeded(client);
        return Response.seeOther(PAGE).cookie(cookie(token.get(), (int) access.sessions().lifetime().toSeconds(),
                https(uri, forwardedProto))).header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("logout")
    public Response logout(@CookieParam(AdminAccess.COOKIE) String session,
            @HeaderParam("X-Forwarded-Proto") String forwardedProto, @Context UriInfo uri) {
        access.sessions().end(session);
        return Response.seeOther(LOGIN).cookie(cookie("", 0, https(uri, forwardedProto))).build();
    }

    private static boolean https(UriInfo uri, String forwardedProto) {
        return "https".equalsIgnoreCase(uri.getRequestUri().getScheme()) || "https".equalsIgnoreCase(forwardedProto);
    }

    /** HttpOnly (no script reads it), SameSite=Strict (no other site's request carries it), Secure over HTTPS. */
    private static NewCookie cookie(String value, int maxAgeSeconds, boolean secure) {
        return new NewCookie.Builder(AdminAccess.COOKIE).value(value).path("/").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).secure(secure).maxAge(maxAgeSeconds).build();
    }

    private static Response loginPage(int status, String message) {
        return secured(Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                .entity(ConsolePage.login(message)), LOGIN_POLICY);
    }

    private static Response secured(Response.ResponseBuilder response, String policy) {
        return response.header("Content-Security-Policy", policy).header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer").header("Cache-Control", "no-store").build();
    }
}
