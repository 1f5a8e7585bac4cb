//! The frame of every signed-in page: header, navigation, language, sign-out.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;

use crate::core::access::{Me, Role, UnitKind};
use crate::core::ward_kind::WardKind;
use crate::error::AppError;
use crate::features::auth::api::{SignOut, current_user};
use crate::features::auth::model::{ACCOUNT_PATH, sign_in_path};
use crate::features::visits::outbox_view::OfflineKeeper;
use crate::i18n::*;
use crate::ui::error_text::ErrorNotice;
use crate::ui::i18n::{SetLanguage, ward_word};
use leptos::server_fn::ServerFn as _;

/// Who is signed in, as the layout loads it once for every page under it.
#[derive(Clone, Copy)]
struct SignedIn(Resource<Result<Option<Me>, AppError>>);

/// Loads who is signed in; sends others to the sign-in page, with a way back. The page is
/// made beside the header, not inside its loading: a page's data is then asked for once,
/// in the same order on the server and in the browser.
#[component]
pub fn SignedInLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_user());
    provide_context(SignedIn(me));
    view! {
        <Suspense fallback=LoadingFrame>
            {move || Suspend::new(async move {
                match me.await {
                    // After a one-time code, a password of one's own comes first.
                    Ok(Some(me)) if me.must_choose_password => {
                        view! { <Redirect path=me.home_path() /> }.into_any()
                    }
                    Ok(Some(me)) => {
                        // Members keep visits on the phone while offline: the outbox that
                        // sends them runs on every page they open.
                        let offline = (me.has(Role::Member) && me.member_id.is_some()).then(|| {
                            view! { <OfflineKeeper user=me.user_id /> }
                        });
                        view! {
                            <SiteHeader me />
                            {offline}
                        }
                            .into_any()
                    }
                    Ok(None) | Err(AppError::Unauthenticated) => view! { <ToSignIn /> }.into_any(),
                    Err(err) => view! { <div class="page"><ErrorNotice err /></div> }.into_any(),
                }
            })}
        </Suspense>
        <main id="main" class="page">
            <Outlet />
        </main>
    }
}

#[component]
fn LoadingFrame() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" aria-live="polite">{t!(i18n, loading)}</p> }
}

/// Redirects to `/login?next=<this page>`.
#[component]
fn ToSignIn() -> impl IntoView {
    let location = use_location();
    let here = format!(
        "{}{}",
        location.pathname.get_untracked(),
        location.search.get_untracked()
    );
    view! { <Redirect path=sign_in_path(&here) /> }
}

/// The person signed in, once the layout has loaded them (None when nobody is).
pub async fn signed_in() -> Option<Me> {
    match use_context::<SignedIn>() {
        Some(SignedIn(me)) => me.await.ok().flatten(),
        None => None,
    }
}

/// The kind of the signed-in person's commune/ward, for the words a page says; a phường
/// when nobody is signed in. Known once the layout has loaded the person, which
/// [`crate::ui::loaded::Loaded`] waits for before it shows a page.
pub fn ward_kind_now() -> WardKind {
    use_context::<SignedIn>()
        .and_then(|SignedIn(me)| me.try_get_untracked().flatten())
        .and_then(Result::ok)
        .flatten()
        .map_or(WardKind::Phuong, |me| me.ward_kind())
}

/// `/`: each role lands on its own start page.
#[component]
pub fn HomeRedirect() -> impl IntoView {
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                signed_in().await.map(|me| view! { <Redirect path=me.home_path() /> })
            })}
        </Suspense>
    }
}

#[component]
fn SiteHeader(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let reads_units = me.reads_units();
    let is_member = me.has(Role::Member) && me.member_id.is_some();
    let role = me.grants.first().map(|g| g.role);
    let unit = me
        .grants
        .first()
        .map(|g| g.unit_name.clone())
        .unwrap_or_default();
    let pathname = use_location().pathname;
    // A section is current on its own page and the pages under it; the marks follow
    // navigation, since the header stays while the page under it changes.
    let under = move |section: &str| {
        pathname.with(|here| here == section || here.starts_with(&format!("{section}/")))
    };
    let current = move |section: &'static str| move || under(section).then_some("page");
    let register_current = current("/my/register");
    let my_concerns_current = current("/my/concerns");
    let my_current = move || {
        (under("/my") && !under("/my/register") && !under("/my/concerns")).then_some("page")
    };
    let cells_current = current("/cells");
    let account_current = current(ACCOUNT_PATH);
    let kind = me.ward_kind();
    // The commune/ward the person sees as a whole, for its concerns inbox.
    let ward = me
        .grants
        .iter()
        .find(|g| g.role.reads_units() && g.unit_kind == UnitKind::Commune)
        .map(|g| g.unit_id);
    let ward_reports_current = move |w: i64| {
        let reports = format!("/wards/{w}/reports");
        move || {
            pathname
                .with(|here| here == &reports || here.starts_with(&format!("{reports}/")))
                .then_some("page")
        }
    };
    // The ward's concerns: its pages other than the reports and the tree.
    let ward_current = move |w: i64| {
        let ward = format!("/wards/{w}");
        let own = [
            format!("/wards/{w}/reports"),
            format!("/wards/{w}/units"),
            format!("/wards/{w}/accounts"),
        ];
        move || {
            pathname
                .with(|here| {
                    here.starts_with(&format!("{ward}/"))
                        && !own
                            .iter()
                            .any(|s| here == s || here.starts_with(&format!("{s}/")))
                })
                .then_some("page")
        }
    };
    let ward_page_current = move |w: i64, page: &'static str| {
        let own = format!("/wards/{w}/{page}");
        move || pathname.with(|here| here == &own).then_some("page")
    };
    // The ward's accounts: its committee alone keeps them.
    let committee = me
        .grants
        .iter()
        .any(|g| g.role == Role::Committee && g.unit_kind == UnitKind::Commune);
    let role_label = move || {
        role.map(|r| role_name(i18n.get_locale(), r))
            .unwrap_or_default()
    };
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <div class="site-header__bar">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true">"GB"</span>
                    <span class="brand__name">{t!(i18n, app_name)}</span>
                </a>
                <div class="site-header__tools">
                    <LanguageSwitch />
                    <span class="who">
                        <span class="visually-hidden">{t!(i18n, nav.signed_in_as)}" "</span>
                        <a class="who__name" href=ACCOUNT_PATH title=move || t_string!(i18n, nav.account)>
                            {me.display_name.clone()}
                        </a>
                        <span class="who__role">{role_label}" · "{unit}</span>
                    </span>
                    <form method="post" action=SignOut::url() class="sign-out">
                        <button type="submit" class="button button--quiet">
                            {t!(i18n, nav.sign_out)}
                        </button>
                    </form>
                </div>
            </div>
            <nav class="site-nav" aria-label=move || t_string!(i18n, nav.menu)>
                <Show when=move || is_member>
                    <a href="/my" aria-current=my_current>{t!(i18n, nav.my_households)}</a>
                    <a href="/my/register" aria-current=register_current>{t!(i18n, nav.register)}</a>
                    <a href="/my/concerns" aria-current=my_concerns_current>{t!(i18n, nav.my_concerns)}</a>
                </Show>
                <Show when=move || reads_units>
                    <a href="/cells" aria-current=cells_current>{t!(i18n, nav.cells)}</a>
                </Show>
                {ward.map(|w| view! {
                    <a href=format!("/wards/{w}/inbox") aria-current=ward_current(w)>{move || t_string!(i18n, nav.ward_concerns, kind = ward_word(i18n.get_locale(), kind))}</a>
                    <a href=format!("/wards/{w}/reports") aria-current=ward_reports_current(w)>{move || t_string!(i18n, nav.ward_reports, kind = ward_word(i18n.get_locale(), kind))}</a>
                    <a href=format!("/wards/{w}/units") aria-current=ward_page_current(w, "units")>{t!(i18n, nav.units)}</a>
                    {committee.then(|| view! {
                        <a href=format!("/wards/{w}/accounts") aria-current=ward_page_current(w, "accounts")>{t!(i18n, nav.accounts)}</a>
                    })}
                })}
                <a href=ACCOUNT_PATH aria-current=account_current>{t!(i18n, nav.account)}</a>
            </nav>
        </header>
    }
}

/// A role's name in the reader's language.
pub fn role_name(l: Locale, role: Role) -> String {
    match role {
        Role::Committee => td_string!(l, roles.committee),
        Role::Secretary => td_string!(l, roles.secretary),
        Role::Member => td_string!(l, roles.member),
        Role::Viewer => td_string!(l, roles.viewer),
    }
    .to_string()
}

/// Switches between Vietnamese and English: a plain form, so it works before the script
/// loads; the server keeps the choice in a cookie and comes back to this page.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let other = match i18n.get_locale_untracked() {
        Locale::vi => Locale::en,
        Locale::en => Locale::vi,
    };
    let location = use_location();
    // The page to come back to: the one shown now, which changes as the person navigates.
    let back = move || format!("{}{}", location.pathname.get(), location.search.get());
    view! {
        <form method="post" action=SetLanguage::url() class="lang-switch">
            <input type="hidden" name="lang" value=other.as_str() />
            <input type="hidden" name="back" value=back />
            <button
                type="submit"
                class="button button--quiet"
                lang=other.as_str()
                aria-label=move || t_string!(i18n, nav.language_label)
            >
                {t!(i18n, nav.language)}
            </button>
        </form>
    }
}
