//! The frame of every signed-in page: header, navigation, language, sign-out.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;
use leptos_router::location::Url;

use crate::error::AppError;
use crate::features::auth::api::{SignOut, current_user};
use crate::features::auth::model::{Me, Role};
use crate::features::visits::widgets::OfflineScript;
use crate::i18n::*;
use crate::ui::error_text::ErrorNotice;
use crate::ui::i18n::SetLanguage;
use leptos::server_fn::ServerFn as _;

/// Loads who is signed in; sends others to the sign-in page, with a way back.
#[component]
pub fn SignedInLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_user());
    view! {
        <Suspense fallback=LoadingFrame>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => {
                        provide_context(me.clone());
                        // Members keep visits on the phone while offline: the script that
                        // sends them runs on every page they open.
                        let offline = (me.has(Role::Member) && me.member_id.is_some()).then(|| {
                            view! { <OfflineScript user_id=me.user_id /> }
                        });
                        view! {
                            <SiteHeader me />
                            <main id="main" class="page">
                                <Outlet />
                            </main>
                            {offline}
                        }
                            .into_any()
                    }
                    Ok(None) | Err(AppError::Unauthenticated) => view! { <ToSignIn /> }.into_any(),
                    Err(err) => {
                        view! {
                            <main id="main" class="page">
                                <ErrorNotice err />
                            </main>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
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
    let target = if here == "/" || here.is_empty() {
        "/login".to_string()
    } else {
        format!("/login?next={}", Url::escape(&here))
    };
    view! { <Redirect path=target /> }
}

/// The person signed in, from the layout's context.
pub fn use_me() -> Me {
    expect_context::<Me>()
}

/// `/`: each role lands on its own start page.
#[component]
pub fn HomeRedirect() -> impl IntoView {
    let me = use_me();
    view! { <Redirect path=me.home_path() /> }
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
    let here = use_location().pathname.get_untracked();
    // A section is current on its own page and the pages under it.
    let current = |section: &str| {
        let under = here == section || here.starts_with(&format!("{section}/"));
        under.then_some("page")
    };
    let register_current = current("/my/register");
    let my_concerns_current = current("/my/concerns");
    let my_current = if register_current.is_some() || my_concerns_current.is_some() {
        None
    } else {
        current("/my")
    };
    let cells_current = current("/cells");
    // The commune/ward the person sees as a whole, for its concerns inbox.
    let ward = me
        .grants
        .iter()
        .find(|g| {
            g.role.reads_units() && g.unit_kind == crate::features::org::model::UnitKind::Commune
        })
        .map(|g| g.unit_id);
    let ward_reports_current = ward.and_then(|w| current(&format!("/wards/{w}/reports")));
    let ward_current = if ward_reports_current.is_some() {
        None
    } else {
        ward.and_then(|w| current(&format!("/wards/{w}")))
    };
    let role_label = move || match role {
        Some(Role::Committee) => t_string!(i18n, roles.committee).to_string(),
        Some(Role::Secretary) => t_string!(i18n, roles.secretary).to_string(),
        Some(Role::Member) => t_string!(i18n, roles.member).to_string(),
        Some(Role::Viewer) => t_string!(i18n, roles.viewer).to_string(),
        None => String::new(),
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
                        <strong class="who__name">{me.display_name.clone()}</strong>
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
                    <a href=format!("/wards/{w}/inbox") aria-current=ward_current>{t!(i18n, nav.ward_concerns)}</a>
                    <a href=format!("/wards/{w}/reports") aria-current=ward_reports_current>{t!(i18n, nav.ward_reports)}</a>
                })}
            </nav>
        </header>
    }
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
    let back = format!(
        "{}{}",
        location.pathname.get_untracked(),
        location.search.get_untracked()
    );
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
